"""Nothing personal leaves modelgw: every byte each upstream receives is inspected.

The prompt goes through the real gateway (gRPC, trust engine, routing,
adapter, audit); the fake upstream records the raw bytes of every request
(request line with URL, headers, body). Not one raw value of the personal
data may appear there in any encoding a wire format could use, while the
caller gets the original text back, unary and streamed, and the audit record
holds the masked text, the usage and the cost from the price table.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from modelgw.api.v1 import audit_pb2, common_pb2, gateway_pb2
from tests.conformance.conftest import Harness
from tests.conformance.gateway_setup import AUTH, PRICE, gateway_config
from tests.harness import running_gateway

pytestmark = pytest.mark.timeout(120)

NAME, EMAIL, PHONE = "John Smith", "john.smith@example.com", "+1 415-555-0132"
CARD, IBAN = "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00"
SYSTEM = f"You assist {NAME} (card {CARD})."
PROMPT = (
    f"Hi, I am {NAME}. Write to {EMAIL} or call {PHONE} about my order. Refund it to IBAN {IBAN}."
)
RAW_VALUES = [NAME, EMAIL, PHONE, CARD, IBAN, "Smith", "john.smith", "555-0132", "0532 0130"]


def _encodings(value: str) -> set[bytes]:
    """The value as JSON, URL, form or plain text would carry it, in any letter case."""
    forms = {value, json.dumps(value)[1:-1], quote(value), quote_plus(value), quote(value, safe="")}
    forms |= {f.lower() for f in forms} | {f.upper() for f in forms}
    return {f.encode() for f in forms}


def _assert_no_raw_values(captured: bytes) -> None:
    lowered = captured.lower()
    for value in RAW_VALUES:
        for form in _encodings(value):
            assert form.lower() not in lowered, f"raw {value!r} reached the provider as {form!r}"


def _messages() -> list[common_pb2.ChatMessage]:
    return [
        common_pb2.ChatMessage(role=common_pb2.ROLE_SYSTEM, content=SYSTEM),
        common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=PROMPT),
    ]


async def test_no_personal_data_reaches_the_provider(
    harness: Harness, tmp_path: Path, trust_engine
) -> None:
    config = gateway_config(harness, tmp_path)
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        request = gateway_pb2.GenerateRequest(model="byom", messages=_messages())
        reply = await gw.gateway.Generate(request, metadata=AUTH)
        streamed = [r async for r in gw.gateway.GenerateStream(request, metadata=AUTH)]
        record = await gw.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=AUTH
        )

    assert reply.message.content == PROMPT, "the caller gets the original values back"
    assert "".join(r.delta for r in streamed) == PROMPT
    assert reply.route.provider_type == harness.spec.provider_type_name

    captured = harness.server.captured()
    assert len(harness.model_requests()) == 2
    assert b"<PERSON_1>" in captured and b"<EMAIL_ADDRESS_1>" in captured, (
        "the masked prompt did reach the provider"
    )
    _assert_no_raw_values(captured)

    usage = reply.usage
    assert usage.completion_tokens > 0 and usage.prompt_tokens > 0
    assert record.usage == usage
    expected = (
        usage.prompt_tokens * PRICE["input_per_million"]
        + usage.completion_tokens * PRICE["output_per_million"]
    ) / 1e6
    assert record.HasField("cost_usd") and record.cost_usd == pytest.approx(expected)
    _assert_no_raw_values(record.SerializeToString())


# -- tools (#16) -----------------------------------------------------------------------------
TOOL_ARGUMENTS = json.dumps({"customer": NAME, "contact": {"email": EMAIL, "phone": PHONE}})
TOOL_RESULT = json.dumps(
    {"name": NAME, "card": CARD, "refund": {"iban": IBAN, "note": f"ring {PHONE}"}, "id": 7}
)
FOLLOW_UP = f"Now open a refund ticket for {NAME} ({EMAIL})."
TOOL = common_pb2.ToolDefinition(
    name="open_ticket",
    description=f"Opens a ticket; e.g. for {NAME}",
    parameters=json.dumps(
        {
            "type": "object",
            "properties": {"query": {"type": "string", "description": f"like {EMAIL}"}},
        }
    ),
)


def _tool_messages() -> list[common_pb2.ChatMessage]:
    call = common_pb2.ToolCall(id="call_1", name="open_ticket", arguments=TOOL_ARGUMENTS)
    return [
        *_messages(),
        common_pb2.ChatMessage(role=common_pb2.ROLE_ASSISTANT, tool_calls=[call]),
        common_pb2.ChatMessage(
            role=common_pb2.ROLE_TOOL, content=TOOL_RESULT, tool_call_id="call_1"
        ),
        common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=FOLLOW_UP),
    ]


async def test_no_personal_data_in_tool_calls_reaches_the_provider(
    harness: Harness, tmp_path: Path, trust_engine
) -> None:
    """Tool-call arguments and a tool result full of personal data are masked inside their
    JSON; the model's tool call comes back to the caller with the original values."""
    if not harness.spec.recorded_tool_calls:
        pytest.skip(f"{harness.spec.id}: the provider has no function calling")
    config = gateway_config(harness, tmp_path)
    request = gateway_pb2.GenerateRequest(
        model="byom",
        messages=_tool_messages(),
        params=common_pb2.GenerationParams(tools=[TOOL]),
    )
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        reply = await gw.gateway.Generate(request, metadata=AUTH)
        streamed = [r async for r in gw.gateway.GenerateStream(request, metadata=AUTH)]
        record = await gw.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=AUTH
        )

    (call,) = reply.message.tool_calls
    assert call.name == "open_ticket" and call.id
    assert json.loads(call.arguments) == {"query": FOLLOW_UP}, "the caller gets real values"
    assert reply.finish_reason == common_pb2.FINISH_REASON_TOOL_CALLS
    pieces = [d for r in streamed for d in r.tool_calls]
    if harness.spec.tool_arguments_stream:
        assert len(pieces) > 2, "the streamed call arrives in pieces"
    assert json.loads("".join(d.arguments for d in pieces)) == {"query": FOLLOW_UP}
    assert pieces[0].name == "open_ticket" and pieces[0].id

    captured = harness.server.captured()
    assert len(harness.model_requests()) == 2
    assert b"<PERSON_1>" in captured and b"<IBAN_CODE_1>" in captured
    _assert_no_raw_values(captured)
    for sent in harness.model_requests():
        assert b"open_ticket" in sent.body, "tool names are sent as they are"

    assert record.masked_tool_calls[0].name == "open_ticket"
    assert "<PERSON_1>" in record.masked_tool_calls[0].arguments
    assert [t.name for t in record.masked_tools] == ["open_ticket"]
    _assert_no_raw_values(record.SerializeToString())


# -- embeddings (#16) -----------------------------------------------------------------------------
async def test_no_personal_data_in_embedding_inputs_reaches_the_provider(
    harness: Harness, tmp_path: Path, trust_engine
) -> None:
    if harness.spec.recorded_embeddings is None:
        pytest.skip(f"{harness.spec.id}: the adapter serves no embeddings")
    config = gateway_config(harness, tmp_path)
    request = gateway_pb2.EmbedRequest(model="byom", inputs=[PROMPT, SYSTEM])
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        reply = await gw.gateway.Embed(request, metadata=AUTH)
        record = await gw.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=AUTH
        )
    assert len(reply.embeddings) == 2
    captured = harness.server.captured()
    assert b"<PERSON_1>" in captured and b"<IBAN_CODE_1>" in captured
    _assert_no_raw_values(captured)
    assert record.operation == "embeddings"
    _assert_no_raw_values(record.SerializeToString())
