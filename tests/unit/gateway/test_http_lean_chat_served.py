"""The lean chat route behind a real uvicorn server: refusals, and clients that leave.

The app is `create_app` over a fake gateway (no trust layer, no backend), so
what is checked is the HTTP door alone: each refusal in OpenAI's error shape
with its status, and a client that goes away mid-answer ending the work behind
it (the pipeline's stream closed, a unary call cancelled) within a second or so.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from modelgw.gateway.http.app import create_app
from modelgw.gateway.http.server import HttpServer, start_http_server
from tests.fakes.door import GOOD_KEY, FakeGateway

MAX_BODY = 4096
BODY: dict[str, Any] = {"model": "fake", "messages": [{"role": "user", "content": "Hi."}]}
AUTH = {"authorization": GOOD_KEY}
GONE_WITHIN_S = 5.0


@contextlib.asynccontextmanager
async def served(gateway: FakeGateway) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(gateway, gateway, max_body_bytes=MAX_BODY)
    server: HttpServer = await start_http_server(app, "127.0.0.1:0")
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{server.port}", timeout=30
        ) as client:
            yield client
    finally:
        await server.stop(1)


def _error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, Any] = body["error"]
    return error


async def test_a_completion_and_a_stream() -> None:
    gateway = FakeGateway()
    async with served(gateway) as client:
        unary = await client.post("/v1/chat/completions", json=BODY, headers=AUTH)
        streamed = await client.post(
            "/v1/chat/completions", json={**BODY, "stream": True}, headers=AUTH
        )
    assert unary.status_code == 200 and unary.headers["content-type"] == "application/json"
    assert unary.json()["choices"][0]["message"]["content"] == "Hello there."
    assert unary.json()["id"] == f"chatcmpl-{unary.headers['x-request-id']}"
    assert streamed.status_code == 200
    assert streamed.headers["content-type"] == "text/event-stream; charset=utf-8"
    frames = [line[6:] for line in streamed.text.split("\n\n") if line]
    assert frames[-1] == "[DONE]"
    text = "".join(json.loads(f)["choices"][0]["delta"].get("content", "") for f in frames[1:-2])
    assert text == "Hello there."
    assert gateway.stream_ended_by == "finished"


async def test_malformed_json_is_400_before_the_key_is_looked_at() -> None:
    gateway = FakeGateway()
    async with served(gateway) as client:
        response = await client.post(
            "/v1/chat/completions",
            content=b'{"model": "fake", "messages": [',
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 400
    assert _error(response) == {
        "message": "the request body is not valid JSON",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    assert gateway.authentications == 0 and not gateway.requests


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer nope"}], ids=["none", "bad"])
async def test_a_missing_or_unknown_key_is_401(headers: dict[str, str]) -> None:
    gateway = FakeGateway()
    async with served(gateway) as client:
        response = await client.post("/v1/chat/completions", json=BODY, headers=headers)
    assert response.status_code == 401
    assert _error(response)["code"] == "invalid_api_key"
    assert "x-request-id" not in response.headers and not gateway.requests


@pytest.mark.parametrize("content_type", ["text/plain", None], ids=["text", "none"])
async def test_a_body_not_declared_json_is_400(content_type: str | None) -> None:
    gateway = FakeGateway()
    headers = dict(AUTH)
    if content_type is not None:
        headers["content-type"] = content_type
    async with served(gateway) as client:
        response = await client.post(
            "/v1/chat/completions", content=json.dumps(BODY).encode(), headers=headers
        )
        assert response.request.headers.get("content-type") == content_type
    assert response.status_code == 400
    assert _error(response)["type"] == "invalid_request_error"
    assert not gateway.requests


async def test_an_oversize_body_is_413_declared_or_chunked() -> None:
    gateway = FakeGateway()
    big = json.dumps({**BODY, "user": "x" * MAX_BODY}).encode()

    async def chunked() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    async with served(gateway) as client:
        declared = await client.post(
            "/v1/chat/completions",
            content=big,
            headers={**AUTH, "content-type": "application/json"},
        )
        streamed = await client.post(
            "/v1/chat/completions",
            content=chunked(),
            headers={**AUTH, "content-type": "application/json"},
        )
    for response in (declared, streamed):
        assert response.status_code == 413
        assert _error(response)["message"] == f"request body larger than {MAX_BODY} bytes"
    assert gateway.authentications == 0 and not gateway.requests


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/vnd.example+json"],
    ids=["lean path", "FastAPI route"],  # the second is handed on, to FastAPI's StreamingResponse
)
async def test_a_client_that_leaves_mid_stream_closes_the_pipeline_stream(
    content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = FakeGateway(stall=True)  # one delta, then nothing
    headers = {**AUTH, "content-type": content_type}
    body = json.dumps({**BODY, "stream": True}).encode()
    async with served(gateway) as client:
        async with client.stream(
            "POST", "/v1/chat/completions", content=body, headers=headers
        ) as response:
            assert response.status_code == 200
            lines = response.aiter_lines()
            while '"content":"Hello"' not in await anext(lines):
                pass
        # the response is closed: the client has gone
        await asyncio.wait_for(gateway.stream_closed.wait(), GONE_WITHIN_S)
        assert gateway.stream_ended_by == "cancelled"
        gateway.stall = False
        after = await client.post("/v1/chat/completions", json=BODY, headers=AUTH)
        assert after.status_code == 200  # the server goes on as before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_client_that_leaves_before_the_answer_cancels_the_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gateway = FakeGateway(stall=True)
    async with served(gateway) as client:
        call = asyncio.ensure_future(client.post("/v1/chat/completions", json=BODY, headers=AUTH))
        for _ in range(500):
            if gateway.requests:
                break
            await asyncio.sleep(0.01)
        assert gateway.requests, "the request never reached the pipeline"
        call.cancel()  # httpx closes the connection
        with contextlib.suppress(asyncio.CancelledError):
            await call
        await asyncio.wait_for(gateway.unary_cancelled.wait(), GONE_WITHIN_S)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
