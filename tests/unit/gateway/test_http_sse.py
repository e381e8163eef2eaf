"""Server-sent events byte for byte, with raw httpx: framing, placeholders, errors, disconnects."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx
import openai
import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.common.errors import BackendError
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.trust.segments import Segmenter
from tests.configs import gateway_config
from tests.harness import RecordingBackend, echo_backend
from tests.http_harness import HttpGateway, running_http_gateway

KEY = "mgw_test_sse_key_0123456789"
HEADERS = {"authorization": f"Bearer {KEY}"}
AUTH = (("authorization", f"Bearer {KEY}"),)
NAME, EMAIL, PHONE = "John Smith", "john.smith@example.com", "+1 415-555-0132"
PROMPT = f"Hi, I am {NAME}. Write to {EMAIL} or call {PHONE} about my order."
VALUES = {"<PERSON_1>": NAME, "<EMAIL_ADDRESS_1>": EMAIL, "<PHONE_NUMBER_1>": PHONE}


@dataclass
class GatedBackend(RecordingBackend):
    """Echo that sends each stream chunk only when the test opens the gate, and records it."""

    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(0))
    sent: list[str] = field(default_factory=list)
    progressed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set each time a chunk has passed the gate."""
    ungated: bool = False
    finished: bool = False
    fail_after: int | None = None
    """Raise UNAVAILABLE after this many chunks (a backend dying mid-answer)."""

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        async for chunk in self.inner.stream(request):
            if not self.ungated:
                await self.gate.acquire()
            if self.fail_after is not None and len(self.sent) >= self.fail_after:
                raise BackendError(
                    "backend went away", code=grpc.StatusCode.UNAVAILABLE, retryable=True
                )
            self.sent.append(chunk.delta)
            self.finished = chunk.finish_reason is not None
            self.progressed.set()
            yield chunk


@pytest.fixture
async def gated(tmp_path: Path, trust_engine) -> AsyncIterator[tuple[HttpGateway, GatedBackend]]:
    config = gateway_config(tmp_path=tmp_path, keys={"dev": KEY})
    backend = GatedBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": backend}
    ) as gw:
        yield gw, backend


def _body(content: str = PROMPT, **extra: object) -> dict:
    return {"model": "echo", "messages": [{"role": "user", "content": content}], **extra}


async def _events(response: httpx.Response) -> AsyncIterator[str]:
    """The `data:` payloads of an SSE response, checking the framing on the way."""
    buffer = ""
    async for text in response.aiter_text():
        buffer += text
        while "\n\n" in buffer:
            event, buffer = buffer.split("\n\n", 1)
            assert event.startswith("data: ") and "\n" not in event, f"bad SSE frame {event!r}"
            yield event.removeprefix("data: ")
    assert buffer == "", f"trailing bytes after the last event: {buffer!r}"


def _releasable(sent: str) -> str:
    """What the gateway may have released once `sent` left the backend.

    Response scanning reads a sentence segment at a time, so only complete
    segments are released; of those, all but a placeholder's start.
    """
    return _restored_prefix("".join(Segmenter().feed(sent)))


def _restored_prefix(masked: str) -> str:
    """What a client may see once `masked` left the backend: all but a placeholder's start."""
    partial = re.search(r"<[A-Z0-9_]*\Z", masked)
    ready = masked[: partial.start()] if partial else masked
    return re.sub(r"<[A-Z_]+_\d+>", lambda m: VALUES[m.group(0)], ready)


@pytest.mark.parametrize("include_usage", [None, False, True])
async def test_sse_framing_is_openais(gated, include_usage: bool | None) -> None:
    gw, backend = gated
    backend.ungated = True
    extra: dict[str, Any] = (
        {} if include_usage is None else {"stream_options": {"include_usage": include_usage}}
    )
    async with (
        httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client,
        client.stream(
            "POST",
            "/v1/chat/completions",
            json=_body(stream=True, **extra),
            headers={"x-request-id": "sse-1"},
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-client-request-id"] == "sse-1"
        request_id = response.headers["x-request-id"]
        assert len(request_id) == 32  # the gateway's own id
        payloads = [p async for p in _events(response)]

    assert payloads[-1] == "[DONE]"
    chunks = [json.loads(p) for p in payloads[:-1]]  # every event is valid JSON
    for chunk in chunks:
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["id"] == f"chatcmpl-{request_id}" and chunk["model"] == "echo"
        assert ("usage" in chunk) is bool(include_usage)
    if include_usage:
        *chunks, usage_chunk = chunks
        assert usage_chunk["choices"] == []
        assert usage_chunk["usage"]["completion_tokens"] == len("".join(backend.sent).split())
        assert all(c["usage"] is None for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert chunks[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    middle = [c["choices"][0] for c in chunks[1:-1]]
    assert all(set(c["delta"]) == {"content"} and c["finish_reason"] is None for c in middle)
    assert "".join(c["delta"]["content"] for c in middle) == PROMPT


async def test_placeholders_are_restored_as_soon_as_they_are_complete(gated) -> None:
    """Lock-step: after each backend chunk the client has all releasable text, and no more.

    Were anything held back longer than a possible placeholder start, reading
    the expected text would time out; were a fragment sent early, it would differ.
    """
    gw, backend = gated
    # The gateway commits to a backend at its first token (a stream may fail over
    # until then), so the response starts only once one chunk passed the gate.
    backend.gate.release()
    async with (
        httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client,
        client.stream("POST", "/v1/chat/completions", json=_body(stream=True)) as response,
    ):
        events = _events(response)
        first = json.loads(await anext(events))
        assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
        await asyncio.wait_for(backend.progressed.wait(), 5)
        seen = ""
        while True:
            expected = _releasable("".join(backend.sent))
            async with asyncio.timeout(5):
                while len(seen) < len(expected):
                    chunk = json.loads(await anext(events))
                    seen += chunk["choices"][0]["delta"]["content"]
            assert seen == expected
            assert "<" not in seen, "a placeholder fragment reached the client"
            if backend.finished:
                break
            backend.progressed.clear()
            backend.gate.release()
            await asyncio.wait_for(backend.progressed.wait(), 5)
        rest = [p async for p in events]
    assert rest[-1] == "[DONE]"
    tail = [json.loads(p)["choices"][0] for p in rest[:-1]]
    seen += "".join(c["delta"].get("content", "") for c in tail)
    assert tail[-1]["finish_reason"] == "stop"
    assert seen == PROMPT
    split = [s for s in backend.sent if re.search(r"<[A-Z_]*$", s)]
    assert split, "no placeholder arrived split over chunks: the test proves nothing"


async def test_backend_failure_mid_stream_is_an_error_event(gated) -> None:
    gw, backend = gated
    backend.fail_after = 2
    backend.ungated = True
    async with (
        httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client,
        client.stream(
            "POST",
            "/v1/chat/completions",
            json=_body("plain words only here, nothing personal at all", stream=True),
            headers={"x-request-id": "dies-midway"},
        ) as response,
    ):
        assert response.status_code == 200
        request_id = response.headers["x-request-id"]
        payloads = [p async for p in _events(response)]
    assert "[DONE]" not in payloads
    error = json.loads(payloads[-1])["error"]
    assert (error["type"], error["param"], error["code"]) == (
        "server_error",
        None,
        "service_unavailable",
    )
    # Past the first token the stream cannot fail over: the message says so, and why.
    assert "backend went away" in error["message"]
    assert "not sent to another backend" in error["message"]
    record = await gw.grpc.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=request_id), metadata=AUTH
    )
    assert record.status == "UNAVAILABLE" and record.streamed

    backend.sent.clear()  # fail after two chunks of this answer, i.e. after the first token
    async with openai.AsyncOpenAI(api_key=KEY, base_url=gw.openai_base_url, max_retries=0) as sdk:
        stream = await sdk.chat.completions.create(**_body("again plain words"), stream=True)
        with pytest.raises(openai.APIError, match="backend went away"):
            async for _ in stream:
                pass


async def test_client_disconnect_closes_the_stream_and_audits_it(gated) -> None:
    gw, backend = gated
    backend.gate.release()  # one chunk: the route commits and the response starts
    async with (
        httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client,
        client.stream(
            "POST",
            "/v1/chat/completions",
            json=_body(stream=True),
            headers={"x-request-id": "walks-away"},
        ) as response,
    ):
        request_id = response.headers["x-request-id"]
        events = _events(response)
        await anext(events)  # the role chunk: the pipeline has started
    record = None
    for _ in range(100):
        try:
            record = await gw.grpc.audit.GetRecord(
                audit_pb2.GetRecordRequest(request_id=request_id), metadata=AUTH
            )
            break
        except grpc.aio.AioRpcError as exc:
            assert exc.code() == grpc.StatusCode.NOT_FOUND
            await asyncio.sleep(0.05)
    assert record is not None, "no audit record after the client went away"
    assert record.status == "CANCELLED" and record.streamed
