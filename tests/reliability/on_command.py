"""An OpenAI-compatible upstream that answers or fails on command, for the gateway drills.

The upstream model name picks the behaviour, so one fake serves a whole drill and
its calls can be counted per behaviour (`calls`):
`ok` answers after `OK_DELAY_S` (a stream: `OK_TOKENS` tokens); `5xx` answers 503;
`hang` sends nothing at all for `HANG_S`; `die` streams one token and then drops the
connection (no final chunk, no `[DONE]`); `400` refuses the request as invalid, as
OpenAI does. Run it inside a `RecordingServer`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from tests.fakes.base import json_response
from tests.fakes.server import FakeRequest, FakeResponse
from tests.fakes.stalling import EVENT_STREAM

OK_DELAY_S = 0.01
"""A fast model: the gateway's own work, not the upstream, is what the drills load."""
OK_TOKENS = 3
HANG_S = 120.0


def _chunk(content: str | None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    chunk = {
        "id": "chatcmpl-cmd",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "ok",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


async def _tokens(count: int, then_die: bool) -> AsyncIterator[bytes]:
    for n in range(count):
        yield _chunk(f"Word{n} is a sentence. ")
        await asyncio.sleep(OK_DELAY_S)
    if then_die:
        # RecordingServer closes the socket mid-body: the chunked body never ends.
        raise ConnectionResetError("the upstream died mid-stream")
    yield _chunk(None, "stop")
    yield b"data: [DONE]\n\n"


def _answer() -> FakeResponse:
    answer = json_response(
        {
            "id": "chatcmpl-cmd",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "ok",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "An answer."},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
        }
    )
    answer.delay_s = OK_DELAY_S
    return answer


def _error(status: int, message: str, kind: str) -> FakeResponse:
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return json_response(body, status)


async def on_command(request: FakeRequest) -> FakeResponse:
    body = json.loads(request.body)
    model, stream = body.get("model"), body.get("stream") is True
    if model == "ok":
        return (
            FakeResponse(headers=EVENT_STREAM, stream=_tokens(OK_TOKENS, False))
            if stream
            else (_answer())
        )
    if model == "die" and stream:
        return FakeResponse(headers=EVENT_STREAM, stream=_tokens(1, True))
    if model == "5xx":
        return _error(503, "The server is overloaded.", "server_error")
    if model == "hang":
        return FakeResponse(delay_s=HANG_S)
    if model == "400":
        return _error(400, "'messages' is invalid.", "invalid_request_error")
    raise AssertionError(f"upstream on command has no behaviour {model!r}")


def calls(requests: list[FakeRequest], model: str, marker: str = "") -> int:
    """How many of `requests` asked for upstream `model` with `marker` in the prompt."""
    return sum(
        1
        for r in requests
        if json.loads(r.body).get("model") == model and marker.encode() in r.body
    )
