"""The fast mock upstream every target of the gateway benchmark talks to.

    python -m bench.gateway.mock --port P [--first-chunk-ms 20] [--chunk-gap-ms 2]

An OpenAI Chat Completions server over raw HTTP/1.1 on asyncio streams
(uvloop when installed), so that it costs far less per request than any
gateway in front of it and never becomes the limit being measured:
- unary (`"stream"` absent or false): answers at once (0 ms) with a fixed
  30-word answer and usage;
- streamed (`"stream": true`): a role chunk, then the first content chunk after
  `first_chunk_ms`, then the other 29 content chunks `chunk_gap_ms` apart, a
  finish chunk with usage, and `data: [DONE]`, sent chunked.
`GET /v1/models` lists the one model. Keep-alive is honoured, as a gateway's
connection pool expects. It runs in its own process so its CPU is not the
load generator's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

ANSWER = (
    "The numbers look steady: revenue grew a little, costs held flat, and the team expects "
    "the same pace to continue if nothing unusual happens along the way, as was planned."
)
ANSWER_WORDS = ANSWER.split(" ")
"""Thirty words without personal data or dates (Presidio reads "quarterly" as a date), so no
gateway's answer scan finds anything to mask or hold."""
CONTENT_CHUNKS = len(ANSWER_WORDS)
assert CONTENT_CHUNKS == 30, CONTENT_CHUNKS
MODEL = "mock"
_STREAM_FLAG = re.compile(rb'"stream"\s*:\s*true')


@dataclass(frozen=True)
class Pacing:
    """When a streamed answer's content chunks leave, relative to the request."""

    first_chunk_ms: float = 20.0
    chunk_gap_ms: float = 2.0

    def offsets_s(self) -> list[float]:
        """Send time of each content chunk after the request arrived, in seconds."""
        return [(self.first_chunk_ms + i * self.chunk_gap_ms) / 1000 for i in range(CONTENT_CHUNKS)]


def unary_body() -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-mock",
            "object": "chat.completion",
            "created": 1700000000,
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": " ".join(ANSWER_WORDS)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 300, "completion_tokens": 30, "total_tokens": 330},
        }
    ).encode()


def _event(delta: dict[str, str], finish: str | None = None, usage: bool = False) -> bytes:
    chunk: dict[str, object] = {
        "id": "chatcmpl-mock",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage:
        chunk["usage"] = {"prompt_tokens": 300, "completion_tokens": 30, "total_tokens": 330}
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


def stream_events() -> Iterator[bytes]:
    """The SSE events of a streamed answer: role, 30 content chunks, finish, [DONE]."""
    yield _event({"role": "assistant", "content": ""})
    for i, word in enumerate(ANSWER_WORDS):
        yield _event({"content": word if i == 0 else " " + word})
    yield _event({}, finish="stop", usage=True)
    yield b"data: [DONE]\n\n"


def _chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


UNARY_BODY = unary_body()
UNARY_RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
    + f"content-length: {len(UNARY_BODY)}\r\n\r\n".encode()
    + UNARY_BODY
)
MODELS_BODY = json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model"}]}).encode()
MODELS_RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
    + f"content-length: {len(MODELS_BODY)}\r\n\r\n".encode()
    + MODELS_BODY
)
STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
    b"transfer-encoding: chunked\r\n\r\n"
)
STREAM_EVENTS = list(stream_events())


async def _stream(writer: asyncio.StreamWriter, pacing: Pacing, arrived: float) -> None:
    loop = asyncio.get_running_loop()
    role, *contents, finish, done = STREAM_EVENTS
    writer.write(STREAM_HEAD + _chunked(role))
    for offset, event in zip(pacing.offsets_s(), contents, strict=True):
        wait = arrived + offset - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        writer.write(_chunked(event))
        await writer.drain()
    writer.write(_chunked(finish) + _chunked(done) + b"0\r\n\r\n")
    await writer.drain()


async def _serve(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pacing: Pacing
) -> None:
    loop = asyncio.get_running_loop()
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            arrived = loop.time()
            length = 0
            keep_alive = b"HTTP/1.1" in head.split(b"\r\n", 1)[0]
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection":
                    keep_alive = value.strip().lower() != b"close"
            body = await reader.readexactly(length) if length else b""
            if head.startswith(b"GET"):
                writer.write(MODELS_RESPONSE)
            elif _STREAM_FLAG.search(body):
                await _stream(writer, pacing, arrived)
            else:
                writer.write(UNARY_RESPONSE)
            await writer.drain()
            if not keep_alive:
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass  # the client closed its connection: the normal end of a keep-alive session
    finally:
        writer.close()


async def serve(port: int, pacing: Pacing) -> None:
    server = await asyncio.start_server(
        lambda r, w: _serve(r, w, pacing), "127.0.0.1", port, backlog=1024
    )
    print(f"mock upstream listening on 127.0.0.1:{port} at {time.time():.0f}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--first-chunk-ms", type=float, default=20.0)
    parser.add_argument("--chunk-gap-ms", type=float, default=2.0)
    args = parser.parse_args()
    pacing = Pacing(args.first_chunk_ms, args.chunk_gap_ms)
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(args.port, pacing))
        return
    uvloop.run(serve(args.port, pacing))


if __name__ == "__main__":
    main()
