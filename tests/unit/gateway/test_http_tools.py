"""Function calling, structured output and images through the HTTP front door (#16).

The official `openai` SDK against an in-process gateway whose echo backend
plays the model's part (see `modelgw.providers.echo`): offered tools it calls
one with the prompt in its string arguments; given a tool result it answers
with it; asked for JSON it answers with a document that follows the schema.
The echo is wrapped in `RecordingBackend`, so each test checks what left
modelgw (masked) beside what the caller got (original values, valid JSON).
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jsonschema
import openai
import pytest
from pydantic import BaseModel

from modelgw.api.v1 import audit_pb2
from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config
from tests.harness import RecordingBackend, echo_backend
from tests.http_harness import HttpGateway, running_http_gateway

KEY = "mgw_test_http_tools_key_0123456789"
PICKY_KEY = "mgw_test_http_tools_picky_0123456789"
URL_KEY = "mgw_test_http_tools_urls_0123456789"
AUTH = (("authorization", f"Bearer {KEY}"),)
NAME, EMAIL, PHONE = "John Smith", "john.smith@example.com", "+1 415-555-0132"
PROMPT = f"Find the orders of {NAME}, mail {EMAIL}, phone {PHONE}."
RAW = (NAME, EMAIL, PHONE, "Smith", "john.smith", "555-0132")
TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "find_orders",
            "description": "Look up a customer's orders in the CRM",
            "parameters": {
                "type": "object",
                "properties": {"customer": {"type": "string"}, "limit": {"type": "integer"}},
                "required": ["customer"],
            },
        },
    }
]
PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()


def _config(audit_url: str) -> ModelgwConfig:
    data = gateway_config(audit_url=audit_url, keys={"dev": KEY}).model_dump(mode="json")
    data["tenants"]["picky"] = {
        "api_keys": [{"id": "picky", "sha256": hash_api_key(PICKY_KEY)}],
        "images": {"accept": False},
    }
    data["tenants"]["urls"] = {
        "api_keys": [{"id": "urls", "sha256": hash_api_key(URL_KEY)}],
        "images": {"allow_urls": True},
    }
    return ModelgwConfig.model_validate(data)


@pytest.fixture
async def gateway(
    tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[HttpGateway, RecordingBackend]]:
    config = _config(f"sqlite+aiosqlite:///{tmp_path}/audit.db")
    echo = RecordingBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": echo}
    ) as gw:
        yield gw, echo


def _client(gw: HttpGateway, key: str = KEY) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key=key, base_url=gw.openai_base_url, max_retries=0)


def _assert_masked(text: str) -> None:
    for value in RAW:
        assert value not in text, f"raw {value!r} left modelgw: {text!r}"


def _sent(echo: RecordingBackend) -> str:
    """Everything the backend received, as one text."""
    return "\n".join(repr(request) for request in echo.received)


async def test_tool_round_trip_restores_arguments_and_masks_results(gateway) -> None:
    gw, echo = gateway
    messages: list[Any] = [{"role": "user", "content": PROMPT}]
    async with _client(gw) as client:
        asked = await client.chat.completions.create(model="echo", messages=messages, tools=TOOLS)
        choice = asked.choices[0]
        assert choice.finish_reason == "tool_calls"
        assert choice.message.tool_calls is not None
        (call,) = choice.message.tool_calls
        assert call.type == "function" and call.function.name == "find_orders"
        arguments = json.loads(call.function.arguments)
        assert arguments == {"customer": PROMPT, "limit": 0}, "the function gets real values"

        result = {"customer": NAME, "email": EMAIL, "orders": [{"id": 7, "note": f"ring {PHONE}"}]}
        messages += [
            choice.message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)},
        ]
        answered = await client.chat.completions.create(
            model="echo", messages=messages, tools=TOOLS
        )
    assert answered.choices[0].finish_reason == "stop"
    assert json.loads(answered.choices[0].message.content or "") == result

    first, second = echo.received
    _assert_masked(_sent(echo))
    sent_call = first.params.tools[0]
    assert sent_call.name == "find_orders" and "CRM" in sent_call.description
    history = second.messages
    assert "<PERSON_1>" in history[1].tool_calls[0].arguments, "the model's call, masked again"
    tool_result = json.loads(history[2].content)
    assert tool_result["customer"] == "<PERSON_1>" and tool_result["email"] == "<EMAIL_ADDRESS_1>"
    assert tool_result["orders"][0]["id"] == 7, "non-string JSON passes unchanged"

    record = await gw.grpc.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=asked.id.removeprefix("chatcmpl-")), metadata=AUTH
    )
    assert [t.name for t in record.masked_tools] == ["find_orders"]
    assert record.masked_tool_calls[0].name == "find_orders"
    assert "<PERSON_1>" in record.masked_tool_calls[0].arguments
    _assert_masked(str(record))


async def test_streamed_tool_calls_restore_split_placeholders(gateway) -> None:
    gw, echo = gateway
    messages: list[Any] = [{"role": "user", "content": PROMPT}]
    async with _client(gw) as client:
        stream = await client.chat.completions.create(
            model="echo", messages=messages, tools=TOOLS, stream=True
        )
        chunks = [chunk async for chunk in stream]
    pieces = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or ()]
    assert pieces[0].id and pieces[0].function and pieces[0].function.name == "find_orders"
    assert all(p.id is None for p in pieces[1:]), "id and name come once"
    arguments = "".join(p.function.arguments or "" for p in pieces if p.function)
    assert json.loads(arguments) == {"customer": PROMPT, "limit": 0}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    _assert_masked(_sent(echo))


async def test_the_sdk_stream_helper_accumulates_tool_calls(gateway) -> None:
    gw, _ = gateway
    async with (
        _client(gw) as client,
        client.chat.completions.stream(
            model="echo", messages=[{"role": "user", "content": PROMPT}], tools=TOOLS
        ) as stream,
    ):
        async for _ in stream:
            pass
        final = await stream.get_final_completion()
    calls = final.choices[0].message.tool_calls or []
    assert json.loads(calls[0].function.arguments)["customer"] == PROMPT


class Contact(BaseModel):
    name: str
    email: str
    vip: bool


async def test_structured_output_parses_with_original_values(gateway) -> None:
    gw, echo = gateway
    async with _client(gw) as client:
        parsed = await client.chat.completions.parse(
            model="echo",
            messages=[{"role": "user", "content": f'{NAME} "JJ" \\ {EMAIL}'}],
            response_format=Contact,
        )
    contact = parsed.choices[0].message.parsed
    assert contact is not None
    content = parsed.choices[0].message.content or ""
    jsonschema.validate(json.loads(content), Contact.model_json_schema())
    assert contact.name == f'{NAME} "JJ" \\ {EMAIL}', "quote and backslash restored as JSON"
    assert contact.vip is False
    response_format = echo.received[0].params.response_format
    assert response_format is not None and response_format.name == "Contact"
    _assert_masked(_sent(echo))


async def test_json_object_answers_restore_inside_strings(gateway) -> None:
    gw, echo = gateway
    document = json.dumps({"customer": NAME, "email": EMAIL})
    async with _client(gw) as client:
        for stream in (False, True):
            request: dict[str, Any] = {
                "model": "echo",
                "messages": [{"role": "user", "content": document}],
                "response_format": {"type": "json_object"},
            }
            if stream:
                chunks = await client.chat.completions.create(**request, stream=True)
                text = "".join([c.choices[0].delta.content or "" async for c in chunks])
            else:
                completion = await client.chat.completions.create(**request)
                text = completion.choices[0].message.content or ""
            assert json.loads(text) == {"customer": NAME, "email": EMAIL}
    _assert_masked(_sent(echo))


async def test_image_parts_are_passed_on_unscanned_text_masked(gateway) -> None:
    gw, echo = gateway
    content: Any = [
        {"type": "text", "text": f"Who is this? It may be {NAME}."},
        {"type": "image_url", "image_url": {"url": PNG, "detail": "low"}},
    ]
    async with _client(gw) as client:
        completion = await client.chat.completions.create(
            model="echo", messages=[{"role": "user", "content": content}]
        )
    assert completion.choices[0].message.content == f"Who is this? It may be {NAME}."
    (sent,) = echo.received
    assert sent.messages[0].images[0].url == PNG and sent.messages[0].images[0].detail == "low"
    _assert_masked(sent.messages[0].content)
    record = await gw.grpc.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=completion.id.removeprefix("chatcmpl-")),
        metadata=AUTH,
    )
    assert record.masked_prompt[0].images[0].url.startswith("sha256:"), "a digest, not the image"


async def test_image_addresses_and_images_follow_the_tenant(gateway) -> None:
    gw, echo = gateway
    address: Any = [
        {"type": "text", "text": "what is this"},
        {"type": "image_url", "image_url": {"url": "https://images.example.com/a.png"}},
    ]
    inline: Any = [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": PNG}}]
    async with _client(gw) as client, _client(gw, PICKY_KEY) as picky, _client(gw, URL_KEY) as urls:
        with pytest.raises(openai.BadRequestError, match="allow_urls"):
            await client.chat.completions.create(
                model="echo", messages=[{"role": "user", "content": address}]
            )
        with pytest.raises(openai.BadRequestError, match="does not accept images"):
            await picky.chat.completions.create(
                model="echo", messages=[{"role": "user", "content": inline}]
            )
        assert echo.received == [], "refused before anything was sent"
        await urls.chat.completions.create(
            model="echo", messages=[{"role": "user", "content": address}]
        )
    assert echo.received[0].messages[0].images[0].url == "https://images.example.com/a.png"


@pytest.mark.parametrize(
    ("extra", "hint"),
    [
        ({"logprobs": True}, "logprobs"),
        ({"top_logprobs": 3}, "top_logprobs"),
        ({"n": 3}, "n must be 1"),
        ({"logit_bias": {"50256": -100}}, "logit_bias"),
        ({"store": True}, "store"),
        ({"prediction": {"type": "content", "content": NAME}}, "prediction"),
        ({"functions": [{"name": "f"}]}, "functions"),
        ({"web_search_options": {}}, "web_search_options"),
        ({"tool_choice": "required"}, "tool_choice needs tools"),
        ({"tools": [{"type": "function", "function": {"name": "bad name"}}]}, "tools[0].name"),
        (
            {"response_format": {"type": "json_schema", "json_schema": {"name": "x y"}}},
            "json_schema.name",
        ),
    ],
)
async def test_fields_that_cannot_be_honoured_are_refused(gateway, extra: dict, hint: str) -> None:
    gw, echo = gateway
    async with _client(gw) as client:
        with pytest.raises(openai.BadRequestError) as caught:
            await client.chat.completions.create(
                model="echo", messages=[{"role": "user", "content": PROMPT}], extra_body=extra
            )
    assert hint in str(caught.value.body), caught.value.body
    _assert_masked(str(caught.value.body))
    assert echo.received == []


async def test_harmless_fields_are_accepted_and_dropped(gateway) -> None:
    gw, echo = gateway
    async with _client(gw) as client:
        completion = await client.chat.completions.create(
            model="echo",
            messages=[{"role": "user", "content": "hello", "name": "john_smith"}],
            metadata={"ticket": f"for {NAME}"},
            seed=7,
            user="agent-7",
            store=False,
            logprobs=False,
            service_tier="auto",
            parallel_tool_calls=False,
            extra_body={"prompt_cache_key": NAME, "modalities": ["text"]},
        )
    assert completion.choices[0].message.content == "hello"
    _assert_masked(_sent(echo))
    assert "john_smith" not in _sent(echo), "a message's name is never sent"
