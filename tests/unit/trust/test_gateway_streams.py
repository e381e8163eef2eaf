"""Streamed and non-streamed answers are identical, at every chunk boundary, through the gateway.

A scripted backend answers with the masked prompt plus personal data of its
own, cut into chunks at chosen offsets: every offset of the answer, then
random chunkings. The caller's text must always equal the non-streamed
answer; values the caller sent come back, values the model made up are
redacted; the backend and the audit record only ever see masked text.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest

from modelgw.api.v1 import common_pb2
from modelgw.common.config.providers import Locality
from modelgw.common.messages import FinishReason, Role, Usage
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from tests.configs import gateway_config
from tests.harness import (
    RecordingBackend,
    RunningGateway,
    generate_request,
    record_of,
    running_gateway,
)

KEY = "mgw_test_key_streams_0123"
AUTH = (("authorization", f"Bearer {KEY}"),)
PROMPT = "Hi, I am John Smith. Write to john.smith@example.com or call +1 415-555-0132 today."
MADE_UP = " Our agent Maria Garcia will write from help.desk@shop-example.com soon."
EXPECTED = PROMPT + " Our agent [REDACTED PERSON] will write from [REDACTED EMAIL_ADDRESS] soon."
RAW = ("John Smith", "john.smith@example.com", "415-555-0132", "Maria Garcia", "help.desk@")


@dataclass
class ScriptedBackend:
    """Answers with the masked prompt plus `MADE_UP`, streamed in pieces cut at `cuts`."""

    name: str = "echo"
    provider_type: str = "scripted"
    locality: Locality = Locality.EXTERNAL
    cuts: list[int] = field(default_factory=list)

    def _answer(self, request: BackendRequest) -> str:
        last = [m.content for m in request.messages if m.role is Role.USER][-1]
        return last + MADE_UP

    async def generate(self, request: BackendRequest) -> BackendResponse:
        return BackendResponse(self._answer(request), FinishReason.STOP, Usage(1, 1))

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        answer = self._answer(request)
        bounds = [0, *sorted({c for c in self.cuts if 0 < c < len(answer)}), len(answer)]
        for a, b in pairwise(bounds):
            yield StreamChunk(delta=answer[a:b])
        yield StreamChunk(finish_reason=FinishReason.STOP, usage=Usage(1, 1))

    async def close(self) -> None:
        return None


@pytest.fixture
async def gateway(
    tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[RunningGateway, ScriptedBackend, RecordingBackend]]:
    config = gateway_config(tmp_path=tmp_path, keys={"dev": KEY})
    scripted = ScriptedBackend()
    recording = RecordingBackend(scripted)
    async with running_gateway(
        config, trust_engine=trust_engine, backends={"echo": recording}
    ) as gw:
        yield gw, scripted, recording


async def _streamed(gw: RunningGateway, request_id: str = "") -> tuple[str, list]:
    events = [
        e
        async for e in gw.gateway.GenerateStream(
            generate_request(PROMPT, request_id=request_id), metadata=AUTH
        )
    ]
    return "".join(e.delta for e in events), events


async def test_non_streamed_answer_restores_sent_values_and_redacts_made_up_ones(gateway) -> None:
    gw, _, recording = gateway
    reply = await gw.gateway.Generate(generate_request(PROMPT, request_id="ns-1"), metadata=AUTH)
    assert reply.message.content == EXPECTED
    found = {(f.entity_type, f.action) for f in reply.trust.response_entities}
    assert ("PERSON", common_pb2.ENTITY_ACTION_REDACT) in found
    assert ("EMAIL_ADDRESS", common_pb2.ENTITY_ACTION_REDACT) in found
    sent = recording.received[-1].messages[-1].content
    assert not any(raw in sent for raw in RAW)
    record = await record_of(gw.audit, "ns-1", AUTH)
    assert not any(raw in record.masked_response for raw in RAW)
    assert "<PERSON_1>" in record.masked_response


async def test_every_split_offset_streams_exactly_the_non_streamed_answer(gateway) -> None:
    gw, scripted, recording = gateway
    reply = await gw.gateway.Generate(generate_request(PROMPT), metadata=AUTH)
    masked_answer = recording.received[-1].messages[-1].content + MADE_UP
    for offset in range(len(masked_answer) + 1):
        scripted.cuts = [offset]
        text, events = await _streamed(gw)
        assert text == reply.message.content == EXPECTED, offset
        assert events[-1].finish_reason == common_pb2.FINISH_REASON_STOP
        # Never a partial placeholder or a placeholder at all in what the caller got.
        assert all("<PERSON" not in e.delta and "<EMAIL" not in e.delta for e in events)


async def test_random_chunkings_stream_exactly_the_non_streamed_answer(gateway) -> None:
    gw, scripted, _ = gateway
    rng = random.Random(1234)
    for round_ in range(40):
        scripted.cuts = [rng.randrange(0, 200) for _ in range(rng.randrange(1, 30))]
        text, _ = await _streamed(gw, request_id=f"rand-{round_}")
        assert text == EXPECTED, scripted.cuts
    record = await record_of(gw.audit, "rand-39", AUTH)
    assert record.streamed and not any(raw in record.masked_response for raw in RAW)
