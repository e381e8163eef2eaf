"""The load generator: raw HTTP/1.1 on asyncio streams, one keep-alive connection per caller.

httpx costs about a millisecond of CPU per request on this class of machine,
which on 2 cores would cap the client near the fastest gateway's rate and
flatten the differences being measured. This client builds each request as
bytes and parses only what it must (status, framing, and for streams the SSE
`data:` lines), so the direct-to-mock rate it reaches (reported in every run)
is several times any gateway's.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

EXPECTED = b"numbers look steady"
"""Part of the mock's answer: a 200 without it is counted as an error, not a success."""


@dataclass(frozen=True)
class Endpoint:
    """Where a target takes chat requests and the headers it needs (auth, routing)."""

    port: int
    path: str = "/v1/chat/completions"
    headers: tuple[tuple[str, str], ...] = ()

    def request(self, body: bytes) -> bytes:
        lines = [
            f"POST {self.path} HTTP/1.1",
            f"host: 127.0.0.1:{self.port}",
            "content-type: application/json",
            f"content-length: {len(body)}",
            *(f"{name}: {value}" for name, value in self.headers),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def as_stream(body: bytes) -> bytes:
    """The same JSON chat body asking for a streamed answer (`"stream": true` added)."""
    assert body.endswith(b"}"), body[-20:]
    return body[:-1] + b', "stream": true}'


@dataclass
class Reply:
    status: int
    seconds: float
    ttft_s: float | None = None
    """Time to the first SSE event with non-empty content (streams only)."""
    content_chunks: int = 0
    problem: str = ""


class SseCounter:
    """Counts the SSE events that carry answer text, from the bytes as they arrive."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.pending = b""
        self.chunks = 0
        self.ttft_s: float | None = None

    def feed(self, data: bytes) -> None:
        *lines, self.pending = (self.pending + data).split(b"\n")
        for line in lines:
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if not payload or payload == b"[DONE]":
                continue
            choices = json.loads(payload).get("choices") or []
            if choices and (choices[0].get("delta") or {}).get("content"):
                self.chunks += 1
                if self.ttft_s is None:
                    self.ttft_s = time.perf_counter() - self.started


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened after an error or a `connection: close`."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, body: bytes, stream: bool = False) -> Reply:
        raw = self.endpoint.request(as_stream(body) if stream else body)
        started = time.perf_counter()
        try:
            return await self._send(raw, stream, started)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            return Reply(0, time.perf_counter() - started, problem=type(exc).__name__)

    async def _send(self, raw: bytes, stream: bool, started: float) -> Reply:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.endpoint.port, limit=1 << 20
            )
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        counter = SseCounter(started)
        body = b""
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
            if stream:
                counter.feed(body + b"\n")
        elif headers.get("transfer-encoding") == "chunked":
            body = await self._chunked(counter if stream else None)
        else:  # framed by the end of the connection
            body = await self.reader.read()
            headers["connection"] = "close"
            if stream:
                counter.feed(body + b"\n")
        if headers.get("connection") == "close":
            await self.close()
        reply = Reply(status, time.perf_counter() - started, counter.ttft_s, counter.chunks)
        if status != 200:
            reply.problem = f"HTTP {status}: {body[:160].decode(errors='replace')}"
        elif not stream and EXPECTED not in body:
            reply.problem = f"unexpected body: {body[:160].decode(errors='replace')}"
        return reply

    async def _chunked(self, counter: SseCounter | None) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            data = await self.reader.readexactly(size + 2)
            if size == 0:
                return b"".join(parts)
            if counter is not None:
                counter.feed(data[:-2])
            elif len(parts) < 64:
                parts.append(data[:-2])


Bodies = Callable[[int], bytes]
"""The body of the i-th request of a phase (the same bytes, or a new prompt each time)."""


@dataclass
class Window:
    """What a closed-loop phase did: requests done, errors, and how long it ran."""

    done: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def rps(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


async def sequential(endpoint: Endpoint, bodies: Bodies, n: int, stream: bool) -> list[Reply]:
    """`n` requests one after another on one connection (c=1)."""
    connection = Connection(endpoint)
    try:
        return [await connection.send(bodies(i), stream) for i in range(n)]
    finally:
        await connection.close()


async def closed_loop(
    endpoint: Endpoint, bodies: Bodies, concurrency: int, seconds: float
) -> Window:
    """`concurrency` callers, each sending its next request when the last one answered."""
    window = Window()
    stop_at = time.perf_counter() + seconds
    counter = iter(range(1 << 62))

    async def caller() -> None:
        connection = Connection(endpoint)
        try:
            while time.perf_counter() < stop_at:
                reply = await connection.send(bodies(next(counter)))
                if reply.problem:
                    window.errors.append(reply.problem)
                    if reply.status == 0:
                        await asyncio.sleep(0.01)  # a refused connect: do not spin
                else:
                    window.done += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    window.seconds = time.perf_counter() - started
    return window
