"""An OpenAI-compatible upstream that answers slowly or never, for lifecycle drills.

The upstream model name picks the behaviour, so one fake serves a whole drill:
`stall` never answers (unary) or never sends a token (stream); `token-then-stall`
streams one token, then goes quiet; `slow` answers after `SLOW_S` (unary) or
streams `SLOW_TOKENS` tokens `SLOW_PAUSE_S` apart; `long` streams `LONG_TOKENS`
tokens `LONG_PAUSE_S` apart (a stream that outlives a short drain). Run it inside a
`RecordingServer`: its `requests` and `hung_up` tell how many calls arrived
and when each one was abandoned by the gateway.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from tests.fakes.base import json_response
from tests.fakes.server import FakeRequest, FakeResponse

STALL_S = 120.0
SLOW_S = 1.0
SLOW_TOKENS = 4
SLOW_PAUSE_S = 0.25
LONG_TOKENS = 16
LONG_PAUSE_S = 0.5
EVENT_STREAM = {"content-type": "text/event-stream"}


def _event(content: str | None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    chunk = {
        "id": "chatcmpl-stall",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "stall",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


async def _tokens(count: int, pause_s: float, then_stall: bool) -> AsyncIterator[bytes]:
    for n in range(count):
        yield _event(f"Token{n} is a sentence. ")  # whole sentences: released at once
        await asyncio.sleep(pause_s)
    if then_stall:
        await asyncio.sleep(STALL_S)
    yield _event(None, "stop")
    yield b"data: [DONE]\n\n"


def _answer(text: str) -> FakeResponse:
    return json_response(
        {
            "id": "chatcmpl-slow",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "slow",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
        }
    )


async def stalling_upstream(request: FakeRequest) -> FakeResponse:
    body = json.loads(request.body)
    model, stream = body.get("model"), body.get("stream") is True
    if model == "slow":
        if stream:
            return FakeResponse(
                headers=EVENT_STREAM, stream=_tokens(SLOW_TOKENS, SLOW_PAUSE_S, False)
            )
        answer = _answer("a slow answer")
        answer.delay_s = SLOW_S  # waited out by the server, which notices a hang-up meanwhile
        return answer
    if model == "long" and stream:
        return FakeResponse(headers=EVENT_STREAM, stream=_tokens(LONG_TOKENS, LONG_PAUSE_S, False))
    if model == "token-then-stall" and stream:
        return FakeResponse(headers=EVENT_STREAM, stream=_tokens(1, 0.0, True))
    if model in {"stall", "token-then-stall"}:
        # Nothing at all, not even the headers: a hang-up is noticed while waiting.
        return FakeResponse(delay_s=STALL_S)
    raise AssertionError(f"stalling upstream has no scenario {model!r}")
