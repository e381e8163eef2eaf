"""Function calling in the shared conformance suite (#16): every adapter whose provider has it.

Recorded tool-call answers (unary and streamed, parallel calls where the
provider makes them) parse to the same calls; a conversation with tool
definitions, an assistant's earlier call and the tool's result reaches the
fake in the provider's own wire format (the fake refuses a malformed one);
streamed argument deltas join to exactly the unary arguments.
"""

from __future__ import annotations

import json

import pytest

from modelgw.common.messages import ChatMessage, FinishReason, GenerationParams, Role
from modelgw.common.tools import ToolCall, ToolChoice, ToolChoiceMode, ToolDefinition
from modelgw.providers.base import BackendRequest, StreamChunk
from tests.conformance.conftest import Harness

pytestmark = pytest.mark.timeout(60)

ORDER_TOOL = ToolDefinition(
    "get_order_status",
    "The status of a customer's order",
    json.dumps(
        {
            "type": "object",
            "properties": {"order_id": {"type": "string", "description": "e.g. A-1042"}},
            "required": ["order_id"],
        }
    ),
)
RESULT = json.dumps({"order_id": "A-1042", "status": "shipped", "eta": "2 days"})


def _skip_without_tools(harness: Harness) -> None:
    if not harness.spec.recorded_tool_calls:
        pytest.skip(f"{harness.spec.id}: the provider has no function calling")


def _request(model: str, messages: list[ChatMessage], **params) -> BackendRequest:
    return BackendRequest(
        model=model,
        messages=messages,
        params=GenerationParams(tools=(ORDER_TOOL,), **params),
        request_id="conformance-tools",
    )


def _calls(chunks: list[StreamChunk]) -> list[ToolCall]:
    joined: dict[int, list[str]] = {}
    for chunk in chunks:
        for delta in chunk.tool_calls:
            parts = joined.setdefault(delta.index, ["", "", ""])
            parts[0] = parts[0] or delta.id
            parts[1] = parts[1] or delta.name
            parts[2] += delta.arguments
    return [ToolCall(*parts) for _, parts in sorted(joined.items())]


def _parsed(calls: list[ToolCall] | tuple[ToolCall, ...]) -> list[tuple[str, object]]:
    return [(c.name, json.loads(c.arguments)) for c in calls]


async def test_recorded_tool_calls(harness: Harness) -> None:
    _skip_without_tools(harness)
    request = _request("recorded-tools", [ChatMessage(Role.USER, "Where are A-1042 and A-2077?")])
    async with harness.backend() as backend:
        response = await backend.generate(request)
        chunks = [c async for c in backend.stream(request)]
    expected = list(harness.spec.recorded_tool_calls)
    assert _parsed(response.tool_calls) == expected
    assert all(c.id for c in response.tool_calls), "every call has an id to answer it by"
    assert response.finish_reason is FinishReason.TOOL_CALLS
    assert response.usage == harness.spec.recorded_tool_usage
    streamed = _calls(chunks)
    assert _parsed(streamed) == expected
    assert all(c.id for c in streamed)
    assert chunks[-1].finish_reason is FinishReason.TOOL_CALLS
    assert chunks[-1].usage == harness.spec.recorded_tool_usage


@pytest.mark.parametrize("streamed", [False, True])
async def test_tool_history_in_the_providers_wire_format(harness: Harness, streamed: bool) -> None:
    """Definitions, an earlier call and its result reach the provider as it expects them."""
    _skip_without_tools(harness)
    earlier = ToolCall("call_earlier_1", "get_order_status", '{"order_id": "A-1042"}')
    request = _request(
        "echo",
        [
            ChatMessage(Role.SYSTEM, "You are a support assistant."),
            ChatMessage(Role.USER, "Where is my order A-1042?"),
            ChatMessage(Role.ASSISTANT, "", tool_calls=(earlier,)),
            ChatMessage(Role.TOOL, RESULT, tool_call_id="call_earlier_1"),
        ],
        tool_choice=ToolChoice(ToolChoiceMode.AUTO),
    )
    async with harness.backend() as backend:
        if streamed:
            chunks = [c async for c in backend.stream(request)]
            text = "".join(c.delta for c in chunks)
        else:
            text = (await backend.generate(request)).text
    assert json.loads(text) == json.loads(RESULT), "the fake read the tool result"
    (sent,) = harness.model_requests()
    expected = [b"get_order_status", b"The status of a customer", b"A-1042"]
    if harness.spec.tool_call_ids:
        expected.append(b"call_earlier_1")
    for part in expected:
        assert part in sent.body, part


async def test_streamed_arguments_equal_the_unary_ones(harness: Harness) -> None:
    _skip_without_tools(harness)
    text = "Check <PERSON_1>'s order, mail <EMAIL_ADDRESS_1>"
    request = _request(
        "echo",
        [ChatMessage(Role.USER, text)],
        tool_choice=ToolChoice(ToolChoiceMode.FUNCTION, "get_order_status"),
    )
    async with harness.backend() as backend:
        response = await backend.generate(request)
        chunks = [c async for c in backend.stream(request)]
    assert _parsed(response.tool_calls) == [("get_order_status", {"query": text})]
    if harness.spec.tool_arguments_stream:
        assert len([c for c in chunks if c.tool_calls]) > 2, "arguments arrive in pieces"
    assert _parsed(_calls(chunks)) == _parsed(response.tool_calls)
    assert response.finish_reason is FinishReason.TOOL_CALLS
    assert chunks[-1].finish_reason is FinishReason.TOOL_CALLS
