"""The official `openai` SDK against modelgw's HTTP front door, over real HTTP.

The gateway runs in-process (gRPC + HTTP sharing one pipeline) with the echo
backend wrapped in `RecordingBackend`, so each test can check exactly what
left modelgw, with the audit store on SQLite (the round trip of personal data
also runs on the real Postgres: tests/integration/test_http_openai_client.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from modelgw.api.v1 import audit_pb2
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config, key_entry
from tests.harness import RecordingBackend, echo_backend
from tests.http_harness import HttpGateway, running_http_gateway

KEY = "mgw_test_http_key_0123456789"
STRICT_KEY = "mgw_test_http_strict_0123456789"
AUDITOR_KEY = "mgw_test_http_auditor_0123456789"
NAME, EMAIL, PHONE = "John Smith", "john.smith@example.com", "+1 415-555-0132"
PROMPT = f"Hi, I am {NAME}. Write to {EMAIL} or call {PHONE} about my order."
AUTH = (("authorization", f"Bearer {KEY}"),)


def _config(audit_url: str, tmp_path: Path) -> ModelgwConfig:
    return gateway_config(
        {
            "tenants": {
                "strict": {
                    "allowed_models": ["echo"],
                    "entity_policy": {"local": {"EMAIL_ADDRESS": "block"}},
                },
                "compliance": {"api_keys": [key_entry(AUDITOR_KEY, "aud", ["auditor"])]},
            }
        },
        audit_url=audit_url,
        tmp_path=tmp_path,
        keys={"dev": KEY, "strict": STRICT_KEY},
    )


@contextlib.asynccontextmanager
async def _gateway(
    audit_url: str, tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[HttpGateway, RecordingBackend]]:
    config = _config(audit_url, tmp_path)
    echo = RecordingBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": echo}
    ) as gw:
        yield gw, echo


@pytest.fixture
async def gateway(
    tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[HttpGateway, RecordingBackend]]:
    async with _gateway(f"sqlite+aiosqlite:///{tmp_path}/audit.db", tmp_path, trust_engine) as pair:
        yield pair


def _client(gw: HttpGateway, key: str = KEY) -> openai.AsyncOpenAI:
    # No retries: a test must see the first answer, not a retried one.
    return openai.AsyncOpenAI(api_key=key, base_url=gw.openai_base_url, max_retries=0)


def _assert_masked(text: str) -> None:
    for value in (NAME, EMAIL, PHONE, "Smith", "415-555"):
        assert value not in text, f"raw value {value!r} leaked into {text!r}"


async def test_unary_completion_has_openai_shape(gateway) -> None:
    gw, _ = gateway
    async with _client(gw) as client:
        completion = await client.chat.completions.create(
            model="echo",
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Say hello to the team"},
            ],
            temperature=0.2,
            max_tokens=50,
        )
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "echo"
    assert len(completion.choices) == 1
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == "Say hello to the team"
    assert choice.finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 5
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )


async def test_streamed_text_equals_the_unary_answer(gateway) -> None:
    gw, _ = gateway
    messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": PROMPT}]
    async with _client(gw) as client:
        unary = await client.chat.completions.create(model="echo", messages=messages)
        stream = await client.chat.completions.create(
            model="echo", messages=messages, stream=True, stream_options={"include_usage": True}
        )
        chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == unary.choices[0].message.content == PROMPT
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and not any(finishes[:-1])
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert unary.usage is not None
    assert chunks[-1].usage.completion_tokens == unary.usage.completion_tokens
    assert all(c.usage is None for c in chunks[:-1])
    assert len({c.id for c in chunks}) == 1


async def test_personal_data_never_reaches_the_backend_and_comes_back(
    tmp_path: Path, trust_engine
) -> None:
    await personal_data_round_trip(
        f"sqlite+aiosqlite:///{tmp_path}/audit.db", tmp_path, trust_engine
    )


async def personal_data_round_trip(audit_url: str, tmp_path: Path, trust_engine) -> None:
    """Masked for the backend (unary and streamed), restored for the client, masked on record."""
    async with contextlib.AsyncExitStack() as stack:
        gw, echo = await stack.enter_async_context(_gateway(audit_url, tmp_path, trust_engine))
        client = await stack.enter_async_context(_client(gw))

        completion = await client.chat.completions.create(
            model="echo", messages=[{"role": "user", "content": PROMPT}], user="agent-7"
        )
        stream = await client.chat.completions.create(
            model="echo", messages=[{"role": "user", "content": PROMPT}], stream=True
        )
        streamed = "".join([c.choices[0].delta.content or "" async for c in stream])

        assert len(echo.received) == 2
        for request in echo.received:
            sent = request.messages[-1].content
            _assert_masked(sent)
            assert "<PERSON_1>" in sent and "<EMAIL_ADDRESS_1>" in sent
        assert completion.choices[0].message.content == PROMPT
        assert streamed == PROMPT

        request_id = completion.id.removeprefix("chatcmpl-")
        record = await gw.grpc.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=request_id), metadata=AUTH
        )
        pseudonym = gw.grpc.assembly.audit_pseudonyms().of(record.tenant, "end_user", "agent-7")
        assert record.status == "OK" and record.end_user == pseudonym
        _assert_masked(record.masked_response + "".join(m.content for m in record.masked_prompt))


async def test_models_are_listed_and_retrieved(gateway) -> None:
    gw, _ = gateway
    async with _client(gw) as client:
        models = await client.models.list()
        assert [m.id for m in models.data] == ["echo"]
        assert (await client.models.retrieve("echo")).id == "echo"
        with pytest.raises(openai.NotFoundError):
            await client.models.retrieve("gpt-9")


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("", openai.AuthenticationError),
        ("mgw_wrong_key", openai.AuthenticationError),
    ],
)
async def test_auth_failures_are_401_in_openai_shape(gateway, key: str, error) -> None:
    gw, echo = gateway
    async with openai.AsyncOpenAI(
        api_key="unused",
        base_url=gw.openai_base_url,
        max_retries=0,
        default_headers={"Authorization": f"Bearer {key}" if key else ""},
    ) as client:
        with pytest.raises(error) as caught:
            await client.chat.completions.create(
                model="echo", messages=[{"role": "user", "content": "hi"}]
            )
        with pytest.raises(error):
            await client.models.list()
    assert caught.value.status_code == 401
    assert caught.value.body["type"] == "invalid_request_error"
    assert caught.value.body["code"] == "invalid_api_key"
    assert echo.received == []


@pytest.mark.parametrize(
    ("key", "kwargs", "error", "status", "hint"),
    [
        (KEY, {"model": "gpt-9"}, openai.NotFoundError, 404, "unknown model"),
        (KEY, {"temperature": 3.5}, openai.BadRequestError, 400, "temperature"),
        (KEY, {"n": 2}, openai.BadRequestError, 400, "n must be 1"),
        (KEY, {"messages": []}, openai.BadRequestError, 400, "at least one message"),
        (KEY, {"extra_body": {"tools_x": 1}}, openai.BadRequestError, 400, "tools_x"),
        (
            KEY,
            {"extra_headers": {"x-request-id": "bad id!"}},
            openai.BadRequestError,
            400,
            "request_id",
        ),
        (STRICT_KEY, {}, openai.PermissionDeniedError, 403, "EMAIL_ADDRESS"),
        (AUDITOR_KEY, {}, openai.PermissionDeniedError, 403, "`user` role"),
    ],
)
async def test_errors_have_openai_shape_and_status(
    gateway, key: str, kwargs: dict, error, status: int, hint: str
) -> None:
    gw, echo = gateway
    request = {"model": "echo", "messages": [{"role": "user", "content": PROMPT}], **kwargs}
    async with _client(gw, key) as client:
        for stream in (False, True):
            with pytest.raises(error) as caught:
                await client.chat.completions.create(**request, stream=stream)
            assert caught.value.status_code == status
            body = caught.value.body
            assert isinstance(body, dict) and set(body) == {"message", "type", "param", "code"}
            assert hint in body["message"]
            _assert_masked(body["message"])
    assert echo.received == []
