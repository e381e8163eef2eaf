"""`ProtectedRequest`: what each backend of a route may receive, from one trust result."""

from __future__ import annotations

import pytest

from modelgw.common.config.providers import Locality
from modelgw.common.errors import BlockedByPolicy, TrustLayerUnavailable
from modelgw.common.messages import (
    ChatMessage,
    EntityFinding,
    GenerationParams,
    Role,
    TrustDecision,
    TrustSummary,
)
from modelgw.gateway.chat import ChatRequest
from modelgw.gateway.protection import ProtectedRequest
from modelgw.gateway.routing import Candidate
from modelgw.trust.engine import MaskedTexts, ProtectResult
from modelgw.trust.vault import Vault
from tests.unit.gateway.fakes import ScriptedBackend

REQUEST = ChatRequest(
    "chat",
    [ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, "Mail ann@example.com")],
    GenerationParams(temperature=0.2, stop=("ann@example.com",)),
    "req-1",
    deadline=123.0,
)
CLOUD = Candidate(ScriptedBackend("cloud", Locality.EXTERNAL), "gpt-x")
ONPREM = Candidate(ScriptedBackend("onprem", Locality.LOCAL), "llama")


def masked(texts: tuple[str, ...], decision: TrustDecision, action: str = "mask") -> MaskedTexts:
    finding = EntityFinding("EMAIL_ADDRESS", 2, action)
    return MaskedTexts(texts, TrustSummary(decision, (finding,)))


def protected(by_locality: dict[Locality, MaskedTexts]) -> ProtectedRequest:
    return ProtectedRequest(
        REQUEST, ProtectResult(Vault(), by_locality, frozenset({"EMAIL_ADDRESS"}))
    )


MASKED = masked(("Be brief.", "Mail <EMAIL_ADDRESS_1>", "<EMAIL_ADDRESS_1>"), TrustDecision.MASKED)
RAW = masked(
    ("Be brief.", "Mail ann@example.com", "ann@example.com"), TrustDecision.ALLOWED, "allow"
)
BLOCKED = masked(
    ("Be brief.", "Mail ann@example.com", "ann@example.com"), TrustDecision.BLOCKED, "block"
)


def test_each_locality_gets_its_own_masking_of_every_outbound_text() -> None:
    request = protected({Locality.EXTERNAL: MASKED, Locality.LOCAL: RAW})
    to_cloud = request.backend_request(CLOUD)
    assert [m.content for m in to_cloud.messages] == ["Be brief.", "Mail <EMAIL_ADDRESS_1>"]
    assert [m.role for m in to_cloud.messages] == [Role.SYSTEM, Role.USER]
    assert to_cloud.params.stop == ("<EMAIL_ADDRESS_1>",)
    assert to_cloud.params.temperature == 0.2
    assert (to_cloud.model, to_cloud.request_id, to_cloud.deadline) == ("gpt-x", "req-1", 123.0)
    to_onprem = request.backend_request(ONPREM)
    assert to_onprem.messages[1].content == "Mail ann@example.com" and to_onprem.model == "llama"
    assert request.entity_types == {"EMAIL_ADDRESS"}


def test_a_blocked_locality_may_not_be_sent_and_says_what_blocked_it() -> None:
    request = protected({Locality.EXTERNAL: BLOCKED, Locality.LOCAL: MASKED})
    assert not request.may_send(CLOUD) and request.may_send(ONPREM)
    with pytest.raises(BlockedByPolicy, match="EMAIL_ADDRESS") as refused:
        request.backend_request(CLOUD)
    assert "ann@example.com" not in refused.value.message


def test_a_locality_the_trust_layer_left_out_fails_closed() -> None:
    """Fail-open keeps only the local texts: an external backend must never get them."""
    request = protected({Locality.LOCAL: RAW})
    assert not request.may_send(CLOUD)
    with pytest.raises(TrustLayerUnavailable, match="fail closed"):
        request.backend_request(CLOUD)
    with pytest.raises(TrustLayerUnavailable):
        request.sent_to(Locality.EXTERNAL)


def test_sent_to_is_what_the_record_shows() -> None:
    messages, params = protected({Locality.EXTERNAL: MASKED}).sent_to(Locality.EXTERNAL)
    assert [m.content for m in messages] == ["Be brief.", "Mail <EMAIL_ADDRESS_1>"]
    assert params.stop == ("<EMAIL_ADDRESS_1>",)


def test_each_locality_is_built_once_and_no_caller_can_change_it_for_another() -> None:
    """The backend call and the audit record ask for the same locality's messages."""
    request = protected({Locality.EXTERNAL: MASKED})
    sent = request.backend_request(CLOUD)
    sent.messages.append(ChatMessage(Role.USER, "added by a provider"))
    messages, params = request.sent_to(Locality.EXTERNAL)
    assert [m.content for m in messages] == ["Be brief.", "Mail <EMAIL_ADDRESS_1>"]
    assert params is sent.params
    assert all(a is b for a, b in zip(messages, sent.messages, strict=False))


def test_the_outbound_texts_are_those_protected() -> None:
    texts = ["Be brief.", "Mail ann@example.com", "ann@example.com"]
    given = ProtectedRequest(REQUEST, ProtectResult(Vault(), {}, frozenset()), texts)
    assert given.outbound_texts is texts
    computed = ProtectedRequest(REQUEST, ProtectResult(Vault(), {}, frozenset()))
    assert computed.outbound_texts == texts
