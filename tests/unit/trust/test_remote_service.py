"""The gateway with the trust layer as a separate `Trust` service, over real gRPC.

The Trust service runs in this process on its own free port (its own
Assembly, as `modelgw trust` builds it); the gateway reaches it only through
`RemoteTrust`: Protect for the prompt, ScanResponse for each answer segment.
Same checks as in-process: values the caller sent come back, values the model
made up are redacted and reported, streamed == non-streamed at any
chunking, and a trust service that is gone fails the request closed.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from modelgw.api.v1 import common_pb2, trust_pb2
from modelgw.common.config.providers import Locality
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import GrpcServer, start_server
from modelgw.runtime import Assembly
from modelgw.trust.remote import RemoteTrust
from modelgw.trust.vault import VaultOwner
from tests.configs import gateway_config
from tests.harness import RecordingBackend, RunningGateway, generate_request, running_gateway
from tests.unit.trust.test_gateway_streams import (
    EXPECTED,
    MADE_UP,
    PROMPT,
    RAW,
    ScriptedBackend,
)

KEY = "mgw_test_key_remote_trust_01"
AUTH = (("authorization", f"Bearer {KEY}"),)
TOKEN_ENV = "MODELGW_TEST_REMOTE_TRUST_TOKEN"


def _config(tmp_path: Path, trust_address: str | None) -> ModelgwConfig:
    return gateway_config(
        {"services": {"internal_token": f"env:{TOKEN_ENV}", "trust_address": trust_address}},
        audit_url=f"sqlite+aiosqlite:///{tmp_path}/audit-{bool(trust_address)}.db",
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )


@pytest.fixture
async def trust_service(
    tmp_path: Path, trust_engine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[str, GrpcServer, Assembly]]:
    monkeypatch.setenv(TOKEN_ENV, "remote-trust-test-token-0123456789")
    assembly = Assembly(_config(tmp_path, None), trust_engine=trust_engine)
    server = await start_server([assembly.trust()], "127.0.0.1:0")
    try:
        yield f"127.0.0.1:{server.port}", server, assembly
    finally:
        await server.stop(0)
        await assembly.close()


@pytest.fixture
async def gateway(
    tmp_path: Path, trust_service
) -> AsyncIterator[tuple[RunningGateway, ScriptedBackend, RecordingBackend]]:
    address, _, _ = trust_service
    scripted = ScriptedBackend()
    recording = RecordingBackend(scripted)
    async with running_gateway(_config(tmp_path, address), backends={"echo": recording}) as gw:
        yield gw, scripted, recording
        # Everything went through the Trust service: the gateway never built an engine.
        assert gw.assembly._trust_engine is None


async def _streamed(gw: RunningGateway) -> str:
    events = [e async for e in gw.gateway.GenerateStream(generate_request(PROMPT), metadata=AUTH)]
    assert events[-1].finish_reason == common_pb2.FINISH_REASON_STOP
    return "".join(e.delta for e in events)


async def test_answers_are_scanned_and_restored_through_the_trust_service(gateway) -> None:
    gw, scripted, recording = gateway
    reply = await gw.gateway.Generate(generate_request(PROMPT), metadata=AUTH)
    assert reply.message.content == EXPECTED
    prompt_found = {(f.entity_type, f.action) for f in reply.trust.prompt_entities}
    assert ("PERSON", common_pb2.ENTITY_ACTION_MASK) in prompt_found
    found = {(f.entity_type, f.action) for f in reply.trust.response_entities}
    assert found == {
        ("PERSON", common_pb2.ENTITY_ACTION_REDACT),
        ("EMAIL_ADDRESS", common_pb2.ENTITY_ACTION_REDACT),
    }
    sent = recording.received[-1].messages[-1].content
    assert not any(raw in sent for raw in RAW)

    masked_answer = sent + MADE_UP
    rng = random.Random(7)
    cuts = [
        [],
        [1],
        [len(masked_answer) // 2],
        *([rng.randrange(1, 150) for _ in range(8)] for _ in range(6)),
    ]
    for chunking in cuts:
        scripted.cuts = chunking
        assert await _streamed(gw) == reply.message.content, chunking


EXTERNAL = frozenset({Locality.EXTERNAL})


async def test_scan_response_rpc_streamed_and_whole_agree(trust_service) -> None:
    """RemoteTrust straight at the service: one call with the whole answer, or segment by
    segment as a stream sends them, gives the same text, findings and new vault entries."""
    address, _, assembly = trust_service
    channel = grpc.aio.insecure_channel(address)
    try:
        client = RemoteTrust(channel, assembly.internal, deadline_s=10)
        dev = assembly.tenants().get("dev")
        who = VaultOwner("dev", "k", "", "")
        protected = await client.protect(dev, who, [PROMPT], EXTERNAL)
        sent = protected.by_locality[Locality.EXTERNAL].texts[0]
        assert "<PERSON_1>" in sent
        answer = sent + MADE_UP
        from modelgw.trust.segments import Segmenter

        segmenter = Segmenter()
        segments = [*segmenter.feed(answer), *segmenter.finish()]
        assert len(segments) > 1

        whole = client.response_scanner(dev, "r-1", protected.vault, [PROMPT], Locality.EXTERNAL)
        at_once = await whole.scan(segments)
        await whole.close()
        protected_again = await client.protect(dev, who, [PROMPT], EXTERNAL)
        piecewise = client.response_scanner(
            dev, "r-2", protected_again.vault, [PROMPT], Locality.EXTERNAL
        )
        one_by_one = [s for segment in segments for s in await piecewise.scan([segment])]
        await piecewise.close()

        assert "".join(at_once) == "".join(one_by_one)
        assert "Maria Garcia" not in "".join(at_once)
        assert "[REDACTED PERSON]" in "".join(at_once)
        assert whole.findings == piecewise.findings
        assert {f.entity_type for f in whole.findings} == {"PERSON", "EMAIL_ADDRESS"}
        assert [e.placeholder for e in protected.vault.entries()] == [
            e.placeholder for e in protected_again.vault.entries()
        ]
    finally:
        await channel.close()


async def test_a_trust_service_that_is_gone_fails_closed(gateway, trust_service) -> None:
    gw, _, recording = gateway
    _, server, _ = trust_service
    await server.stop(0)
    for stream in (False, True):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            if stream:
                await _streamed(gw)
            else:
                await gw.gateway.Generate(generate_request(PROMPT), metadata=AUTH)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "fail closed" in (caught.value.details() or "")
    assert recording.received == []


@pytest.fixture
def scan_requests(monkeypatch: pytest.MonkeyPatch) -> list[trust_pb2.ScanAnswerRequest]:
    """Every ScanAnswer message the trust service receives (patched before it starts)."""
    from modelgw.trust.handlers import TrustService

    received: list[trust_pb2.ScanAnswerRequest] = []
    original = TrustService.ScanAnswer

    async def spying(self, request_iterator, context):
        async def recorded():
            async for request in request_iterator:
                received.append(request)
                yield request

        async for reply in original(self, recorded(), context):
            yield reply

    monkeypatch.setattr(TrustService, "ScanAnswer", spying)
    return received


async def test_the_trust_service_gets_an_answers_context_once_not_per_segment(
    scan_requests: list[trust_pb2.ScanAnswerRequest], gateway
) -> None:
    """#11: each answer segment used to carry the whole vault and every prompt again."""
    gw, _, _ = gateway
    assert await _streamed(gw) == EXPECTED
    received = scan_requests
    assert len(received) > 1, "the answer should have been scanned in several segments"
    with_context = [r for r in received if r.HasField("context")]
    assert len(with_context) == 1 and received[0].HasField("context")
    assert len(with_context[0].context.vault) > 0  # the placeholders, sent once
    assert all(not r.HasField("context") and r.segments for r in received[1:])
