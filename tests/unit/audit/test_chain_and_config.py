"""Hash chain canonical form, raw-content envelopes, policy decisions and the audit config."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

import pytest

from modelgw.audit.chain import GENESIS_HASH, HASHED_COLUMNS, record_hash
from modelgw.audit.crypto import RawContent, RawContentUnreadable, TenantKeys
from modelgw.audit.decisions import policy_decisions
from modelgw.audit.rows import record_from_row, row_from_record, set_pattern
from modelgw.common.config import ConfigError, parse_config
from modelgw.common.messages import ChatMessage, EntityFinding, Role, TrustDecision, TrustSummary
from tests.unit.audit.factory import make_record


def _row(**overrides):
    row = row_from_record(make_record(request_id="r1", **overrides))
    row.update(seq=1, prev_hash=GENESIS_HASH, raw_key_id="", raw_ciphertext=None)
    return row


def test_hash_covers_every_column_and_ignores_representation() -> None:
    row = _row()
    assert set(HASHED_COLUMNS) == set(row) - {"record_hash"}
    digest = record_hash(row)
    # The same instant in another zone, or naive UTC as SQLite returns it, hashes the same.
    same = {**row, "started_at": row["started_at"].astimezone(timezone(timedelta(hours=2)))}
    naive = {**row, "finished_at": row["finished_at"].replace(tzinfo=None)}
    assert record_hash(same) == digest == record_hash(naive)
    for column, value in [("seq", 2), ("prev_hash", "1" * 64), ("status", "INTERNAL")]:
        assert record_hash({**row, column: value}) != digest


def test_rows_round_trip_to_records() -> None:
    record = make_record(toxicity=0.25, cache_hit=True, policy_decisions=("masked",))
    row = row_from_record(record)
    assert row["entity_types"] == "|EMAIL_ADDRESS|"
    back = record_from_row(
        {
            **row,
            "id": 7,
            "seq": 3,
            "prev_hash": "a",
            "record_hash": "b",
            "raw_key_id": "",
            "raw_ciphertext": None,
        }
    )
    assert back.masked_prompt == record.masked_prompt and back.toxicity == 0.25
    assert (back.seq, back.cache_hit, back.policy_decisions) == (3, True, ("masked",))


def test_like_pattern_escapes_wildcards() -> None:
    assert set_pattern("A_B%") == "%|A\\_B\\%|%"


def test_transport_seal_opens_only_for_the_same_tenant_and_request() -> None:
    keys = TenantKeys({"acme": os.urandom(32), "globex": os.urandom(32)})
    raw = RawContent((ChatMessage(Role.USER, "I am Jane Roe"),), "Hello Jane")
    sealed = keys.seal_for_transport("acme", "r1", raw)
    assert b"Jane" not in sealed
    assert keys.open_transport("acme", "r1", sealed) == raw.to_bytes()
    for tenant, request_id in [("acme", "r2"), ("globex", "r1")]:
        with pytest.raises(RawContentUnreadable):
            keys.open_transport(tenant, request_id, sealed)
    assert not keys.keeps_raw("initech")


def test_policy_decisions_summarise_what_policy_did() -> None:
    summary = TrustSummary(
        TrustDecision.MASKED,
        (EntityFinding("EMAIL_ADDRESS", 1, "mask"), EntityFinding("US_SSN", 1, "redact")),
    )
    assert policy_decisions(summary, "local") == ("masked", "redacted", "routed_local")
    assert policy_decisions(TrustSummary(TrustDecision.BLOCKED), "external") == ("blocked",)
    assert policy_decisions(TrustSummary(TrustDecision.CLEAN), "", fail_closed=True) == (
        "fail_closed",
    )


def test_audit_config_rejects_secrets_in_place_of_references() -> None:
    with pytest.raises(ConfigError, match=r"audit\.signing_key: .*secret reference"):
        parse_config({"audit": {"signing_key": "MC4CAQAwBQYDK2VwBCIEI"}})
    with pytest.raises(ConfigError, match=r"audit\.raw_content\.acme\.key"):
        parse_config({"audit": {"raw_content": {"acme": {"key": "c2VjcmV0"}}}})
    with pytest.raises(ConfigError, match=r"audit\.spool\.max_byts: unknown key"):
        parse_config({"audit": {"spool": {"max_byts": 1}}})
    config = parse_config(
        {"audit": {"retention_days": 30, "tenant_retention_days": {"acme": 3650}}}
    ).audit
    assert (config.retention_for("acme"), config.retention_for("other")) == (3650, 30)


def test_started_at_normalised_to_utc() -> None:
    local = datetime(2025, 1, 1, 12, tzinfo=timezone(timedelta(hours=-5)))
    row = row_from_record(make_record(started_at=local))
    assert row["started_at"] == datetime(2025, 1, 1, 17, tzinfo=UTC)


def test_records_from_before_tools_hash_as_they_did() -> None:
    """Migration 0005's columns at their defaults are left out of the hash (#16): a record
    chained before them, read back with the defaults, still verifies."""
    from modelgw.common.tools import (
        ResponseFormat,
        ResponseFormatType,
        ToolCall,
        ToolChoice,
        ToolChoiceMode,
        ToolDefinition,
    )

    row = _row()
    added = {"operation", "masked_tools", "request_options", "masked_tool_calls"}
    before = {k: v for k, v in row.items() if k not in added}
    assert record_hash({**before, **{k: row[k] for k in added}}) == record_hash(
        {**before, "operation": "chat", "masked_tools": [], "request_options": {}}
        | {"masked_tool_calls": []}
    )
    tools = _row(masked_tools=(ToolDefinition("f", "d", "{}"),))
    assert record_hash(tools) != record_hash(row), "set, they are hashed"

    record = make_record(
        operation="embeddings",
        masked_prompt=(
            ChatMessage(Role.ASSISTANT, "", (ToolCall("c1", "f", '{"a": "<PERSON_1>"}'),)),
            ChatMessage(Role.TOOL, '{"x": 1}', tool_call_id="c1"),
        ),
        masked_tools=(ToolDefinition("f", "find <PERSON_1>", '{"type": "object"}', True),),
        tool_choice=ToolChoice(ToolChoiceMode.FUNCTION, "f"),
        parallel_tool_calls=False,
        response_format=ResponseFormat(ResponseFormatType.JSON_SCHEMA, "s", "{}", "", True),
        masked_tool_calls=(ToolCall("c2", "f", "{}"),),
    )
    stored = {**row_from_record(record), "id": 1, "seq": 1, "prev_hash": "a"}
    stored.update(record_hash="b", raw_key_id="", raw_ciphertext=None)
    back = record_from_row(stored)
    for name in (
        "operation",
        "masked_prompt",
        "masked_tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "masked_tool_calls",
    ):
        assert getattr(back, name) == getattr(record, name), name
    plain = row_from_record(make_record())["masked_prompt"]
    assert plain == [{"role": "user", "content": "Write to <EMAIL_ADDRESS_1> today"}], (
        "a plain message keeps the form it was chained in"
    )
