"""Tool calls through the whole gateway at every split, and from the response cache (#16).

The echo backend streams its tool call `chunk_chars` characters at a time; with
one character per delta every placeholder is split at every offset on its way
through the pipeline, the gRPC front door and back. A cached tool-call answer
is restored with the asking request's own values, like cached text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelgw.api.v1 import common_pb2, gateway_pb2
from tests.configs import DEV_KEY, gateway_config
from tests.harness import RecordingBackend, echo_backend, running_gateway

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
NAME, EMAIL, IBAN = "John Smith", "john.smith@example.com", "DE89 3704 0044 0532 0130 00"
PROMPT = f'Refund {NAME} "JJ" \\ ({EMAIL}) to {IBAN}.'
TOOL = common_pb2.ToolDefinition(
    name="refund",
    parameters=json.dumps(
        {"type": "object", "properties": {"note": {"type": "string"}, "n": {"type": "integer"}}}
    ),
)


def _request(**params) -> gateway_pb2.GenerateRequest:
    return gateway_pb2.GenerateRequest(
        model="echo",
        messages=[common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=PROMPT)],
        params=common_pb2.GenerationParams(tools=[TOOL], **params),
    )


@pytest.mark.parametrize("chunk_chars", [1, 2, 3, 7])
async def test_streamed_arguments_are_whole_at_every_split(
    tmp_path: Path, trust_engine, chunk_chars: int
) -> None:
    config = gateway_config(
        {"providers": {"echo": {"chunk_chars": chunk_chars}}}, tmp_path=tmp_path
    )
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        replies = [r async for r in gw.gateway.GenerateStream(_request(), metadata=AUTH)]
    pieces = [d for r in replies for d in r.tool_calls]
    for piece in pieces:
        assert "<PERSON" not in piece.arguments and "IBAN_CODE" not in piece.arguments
    assert json.loads("".join(p.arguments for p in pieces)) == {"note": PROMPT, "n": 0}
    assert replies[-1].finish_reason == common_pb2.FINISH_REASON_TOOL_CALLS
    sent = echo.received[0].messages[0].content
    assert NAME not in sent and EMAIL not in sent and "<PERSON_1>" in sent


async def test_a_cached_tool_call_is_restored_with_this_requests_values(
    tmp_path: Path, trust_engine
) -> None:
    config = gateway_config({"cache": {"backend": "memory", "ttl_s": 60}}, tmp_path=tmp_path)
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        first = await gw.gateway.Generate(_request(temperature=0), metadata=AUTH)
        second = await gw.gateway.Generate(_request(temperature=0), metadata=AUTH)
        history = gateway_pb2.GenerateRequest(
            model="echo",
            messages=[
                common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=PROMPT),
                common_pb2.ChatMessage(
                    role=common_pb2.ROLE_ASSISTANT, tool_calls=first.message.tool_calls
                ),
                common_pb2.ChatMessage(
                    role=common_pb2.ROLE_TOOL, content='{"ok": true}', tool_call_id="other"
                ),
            ],
            params=common_pb2.GenerationParams(tools=[TOOL], temperature=0),
        )
        third = await gw.gateway.Generate(history, metadata=AUTH)
    assert len(echo.received) == 2, "the second request was answered from the cache"
    assert second.route.reason == "answered from the response cache"
    for reply in (first, second):
        assert json.loads(reply.message.tool_calls[0].arguments) == {"note": PROMPT, "n": 0}
    assert json.loads(third.message.content) == {"ok": True}, "a tool history is another key"
