"""NUL repair for dead-letter replay reaches every string of a record, nested ones included."""

from __future__ import annotations

from modelgw.api.v1 import common_pb2
from modelgw.audit.convert import record_to_pb
from modelgw.audit.dead_letters import replace_nul
from modelgw.common.messages import ChatMessage, EntityFinding, Role
from tests.unit.audit.factory import make_record


def test_replace_nul_reaches_nested_repeated_and_map_strings() -> None:
    record = make_record(
        end_user="a\x00b",
        masked_prompt=(ChatMessage(Role.USER, "x\x00y"),),
        masked_response="r\x00",
        prompt_entities=(EntityFinding("EMAIL\x00", 1, "mask"),),
        policy_decisions=("masked\x00",),
    )
    message = record_to_pb(record)
    replace_nul(message)
    assert message.end_user == "a\ufffdb"
    assert message.masked_prompt[0].content == "x\ufffdy"
    assert message.masked_response == "r\ufffd"
    assert message.trust.prompt_entities[0].entity_type == "EMAIL\ufffd"
    assert list(message.policy_decisions) == ["masked\ufffd"]
    assert message.request_id == record.request_id, "strings without NUL are left alone"

    caller = common_pb2.CallerMetadata(labels={"k": "v\x00"})
    replace_nul(caller)
    assert dict(caller.labels) == {"k": "v\ufffd"}
