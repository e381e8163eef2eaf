"""LangChain's OpenAI client against the gateway: `bind_tools` and `with_structured_output`.

What agents and retrieval apps built on LangChain call (#16): a model that
asks for a tool, the app runs it, the model answers; structured output by
function calling, by JSON schema and by JSON mode; tool calls streamed. The
echo backend plays the model (see `modelgw.providers.echo`); personal data
must never reach it, and the app must see the original values.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field, SecretStr

from tests.configs import gateway_config
from tests.harness import RecordingBackend, echo_backend
from tests.http_harness import HttpGateway, running_http_gateway

KEY = "mgw_test_langchain_key_0123456789"
NAME, EMAIL = "John Smith", "john.smith@example.com"
PROMPT = f"Look up the open tickets of {NAME} ({EMAIL})."
RAW = (NAME, EMAIL, "Smith", "john.smith")


@pytest.fixture
async def gateway(
    tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[HttpGateway, RecordingBackend]]:
    config = gateway_config(tmp_path=tmp_path, keys={"dev": KEY})
    echo = RecordingBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": echo}
    ) as gw:
        yield gw, echo


def _model(gw: HttpGateway, **kwargs: Any) -> ChatOpenAI:
    return ChatOpenAI(
        model="echo", base_url=gw.openai_base_url, api_key=SecretStr(KEY), max_retries=0, **kwargs
    )


def _assert_nothing_raw_sent(echo: RecordingBackend) -> None:
    sent = "\n".join(repr(request) for request in echo.received)
    for value in RAW:
        assert value not in sent, f"raw {value!r} reached the backend"


@tool
def open_tickets(customer: str) -> str:
    """Open support tickets of a customer, by name or e-mail."""
    return json.dumps({"customer": customer, "tickets": [{"id": 42, "owner": NAME}]})


async def test_bind_tools_round_trip(gateway) -> None:
    gw, echo = gateway
    model = _model(gw).bind_tools([open_tickets])
    history: list[Any] = [HumanMessage(PROMPT)]
    asked = await model.ainvoke(history)
    assert asked.tool_calls, "the model asks for the tool"
    call = asked.tool_calls[0]
    assert call["name"] == "open_tickets" and call["args"] == {"customer": PROMPT}

    result = await open_tickets.ainvoke(call["args"])  # the app runs its function
    history += [asked, ToolMessage(result, tool_call_id=call["id"])]
    answer = await model.ainvoke(history)
    assert not answer.tool_calls
    assert json.loads(str(answer.content)) == json.loads(result), "the model read the result"

    assert len(echo.received) == 2
    _assert_nothing_raw_sent(echo)
    assert echo.received[0].params.tools[0].name == "open_tickets"


async def test_streamed_tool_calls_through_langchain(gateway) -> None:
    gw, echo = gateway
    model = _model(gw, streaming=True).bind_tools([open_tickets])
    merged: AIMessageChunk | None = None
    async for chunk in model.astream([HumanMessage(PROMPT)]):
        assert isinstance(chunk, AIMessageChunk)
        merged = chunk if merged is None else merged + chunk
    assert merged is not None and merged.tool_calls
    assert merged.tool_calls[0]["args"] == {"customer": PROMPT}
    _assert_nothing_raw_sent(echo)


class Ticket(BaseModel):
    """A support ticket extracted from a message."""

    customer: str = Field(description="who wrote")
    email: str = Field(description="their e-mail address")
    urgent: bool


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
async def test_with_structured_output(
    gateway, method: Literal["function_calling", "json_schema"]
) -> None:
    gw, echo = gateway
    structured = _model(gw).with_structured_output(Ticket, method=method)
    ticket = await structured.ainvoke(PROMPT)
    assert isinstance(ticket, Ticket)
    assert ticket.customer == PROMPT and ticket.email == PROMPT and ticket.urgent is False
    _assert_nothing_raw_sent(echo)
    sent = echo.received[0].params
    if method == "function_calling":
        assert sent.tools[0].name == "Ticket" and sent.tool_choice is not None
    else:
        assert sent.response_format is not None and sent.response_format.name == "Ticket"


async def test_with_structured_output_json_mode(gateway) -> None:
    gw, echo = gateway
    structured = _model(gw).with_structured_output(Ticket, method="json_mode")
    document = json.dumps({"customer": NAME, "email": EMAIL, "urgent": True})
    ticket = await structured.ainvoke(document)
    assert ticket == Ticket(customer=NAME, email=EMAIL, urgent=True)
    _assert_nothing_raw_sent(echo)
