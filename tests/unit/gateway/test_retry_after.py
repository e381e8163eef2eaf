"""An upstream's 429 `retry-after` is honoured per backend and model (#18 finding 6).

Real OpenAI-compatible adapters over HTTP against fake upstreams: one answers
429 with `retry-after: 30`, the other answers. The limited one is called once,
not once per request until its breaker opens; with no other backend the caller
is refused at once with RESOURCE_EXHAUSTED and a `retry-after` of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import httpx
import pytest

from tests.configs import DEV_KEY, gateway_config
from tests.fakes.server import FakeRequest, FakeResponse, RecordingServer
from tests.harness import RunningGateway, generate_request, running_gateway
from tests.http_harness import running_http_gateway

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
JSON = {"content-type": "application/json"}


async def limited(_request: FakeRequest) -> FakeResponse:
    body = {"error": {"type": "rate_limit_error", "message": "slow down", "code": None}}
    return FakeResponse(429, {**JSON, "retry-after": "30"}, json.dumps(body).encode())


async def answering(request: FakeRequest) -> FakeResponse:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": json.loads(request.body)["model"],
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return FakeResponse(200, JSON, json.dumps(body).encode())


def upstreams_config(tmp_path: Path, providers: dict[str, str], route: list[str]):
    return gateway_config(
        {
            "providers": {
                name: {"type": "openai_compatible", "base_url": f"{url}/v1", "locality": "local"}
                for name, url in providers.items()
            },
            "models": {"chat": {"route": [{"provider": p, "model": "m-1"} for p in route]}},
        },
        tmp_path=tmp_path,
    )


async def _ask(gw: RunningGateway, text: str):
    return await gw.gateway.Generate(generate_request(text, model="chat"), metadata=AUTH)


async def test_a_backend_that_asked_to_wait_is_skipped_for_the_next_one(
    tmp_path: Path, trust_engine
) -> None:
    async with RecordingServer(limited) as first, RecordingServer(answering) as second:
        config = upstreams_config(
            tmp_path, {"first": first.url, "second": second.url}, ["first", "second"]
        )
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            replies = [await _ask(gw, f"hello {i}") for i in range(5)]
    assert all(r.message.content == "hi" for r in replies)
    assert len(first.requests) == 1, "called again although it asked for 30 s"
    assert len(second.requests) == 5


async def test_with_every_backend_waiting_the_caller_is_refused_at_once_with_retry_after(
    tmp_path: Path, trust_engine
) -> None:
    async with RecordingServer(limited) as only:
        config = upstreams_config(tmp_path, {"only": only.url}, ["only"])
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            waits: list[int] = []
            for i in range(5):
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await _ask(gw, f"hello {i}")
                assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
                trailers = dict(refused.value.trailing_metadata() or ())
                waits.append(int(trailers["retry-after"]))
    assert len(only.requests) == 1, "called again although it asked for 30 s"
    assert all(0 < w <= 30 for w in waits), waits
    assert waits[0] == 30


async def test_on_the_http_door_streamed_or_not_the_caller_gets_429_with_retry_after(
    tmp_path: Path, trust_engine
) -> None:
    body = {"model": "chat", "messages": [{"role": "user", "content": "hello"}]}
    headers = {"authorization": f"Bearer {DEV_KEY}"}
    async with RecordingServer(limited) as only:
        config = upstreams_config(tmp_path, {"only": only.url}, ["only"])
        async with (
            running_http_gateway(config, trust_engine=trust_engine) as gw,
            httpx.AsyncClient(base_url=gw.base_url, timeout=30) as client,
        ):
            first = await client.post("/v1/chat/completions", json=body, headers=headers)
            streamed = await client.post(
                "/v1/chat/completions", json={**body, "stream": True}, headers=headers
            )
            plain = await client.post("/v1/chat/completions", json=body, headers=headers)
    assert first.status_code == 429
    for refused in (streamed, plain):
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 30
        assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert len(only.requests) == 1, "called again although it asked for 30 s"
