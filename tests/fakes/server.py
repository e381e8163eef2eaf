"""A tiny HTTP/1.1 server on 127.0.0.1 that keeps every byte it receives.

It reads the socket itself (no framework in between), so what the capture
test inspects is exactly what left modelgw: request line, headers, body.
Responses are plain, or streamed with chunked encoding at a chosen pace; the
server notices when the client hangs up mid-response (cancellation tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRequest:
    method: str
    target: str
    headers: dict[str, str]
    """Lower-cased names."""
    body: bytes
    raw: bytes
    """Every byte of this request as received."""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


@dataclass
class FakeResponse:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stream: AsyncIterator[bytes] | None = None
    """When set, sent with chunked encoding piece by piece (the body is ignored)."""
    delay_s: float = 0.0
    """Stall this long before sending anything (timeout tests)."""


Handler = Callable[[FakeRequest], Awaitable[FakeResponse]]


class RecordingServer:
    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.requests: list[FakeRequest] = []
        self.raw_bytes: list[bytes] = []
        """Everything read from every connection, in arrival order."""
        self.connections = 0
        self.hangups = 0
        """Responses the client abandoned before they were complete."""
        self.hung_up: list[tuple[FakeRequest, float]] = []
        """Each abandoned request, with when (`time.monotonic()`) the hang-up was noticed."""
        self._hangup = asyncio.Event()
        self.request_seen = asyncio.Event()
        """Set when the first request has been read completely."""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def captured(self) -> bytes:
        return b"".join(self.raw_bytes)

    async def wait_for_hangup(self, within_s: float = 5.0) -> None:
        await asyncio.wait_for(self._hangup.wait(), within_s)

    async def __aenter__(self) -> RecordingServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self._port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _read(self, reader: asyncio.StreamReader, n: int | None = None) -> bytes:
        data = await (reader.readexactly(n) if n is not None else reader.readuntil(b"\r\n"))
        self.raw_bytes.append(data)
        return data

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            request = await self._read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            if request.path != "/token":  # an OAuth token fetch is not a model call
                self.request_seen.set()
            response = await self._handler(request)
            if not await self._respond(reader, writer, response):
                self.hangups += 1
                self.hung_up.append((request, time.monotonic()))
                self._hangup.set()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        except asyncio.CancelledError:
            return  # the fake is shutting down while a stalled response was pending
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> FakeRequest | None:
        raw = bytearray()
        try:
            line = await self._read(reader)
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                self.raw_bytes.append(exc.partial)
            return None
        raw += line
        method, target, _ = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        headers: dict[str, str] = {}
        while True:
            line = await self._read(reader)
            raw += line
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = bytearray()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size_line = await self._read(reader)
                raw += size_line
                size = int(size_line.split(b";")[0], 16)
                piece = await self._read(reader, size + 2)
                raw += piece
                body += piece[:-2]
                if size == 0:
                    break
        elif "content-length" in headers:
            piece = await self._read(reader, int(headers["content-length"]))
            raw += piece
            body += piece
        return FakeRequest(method, target, headers, bytes(body), bytes(raw))

    async def _respond(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, response: FakeResponse
    ) -> bool:
        """Send the response; False if the client went away before it was complete."""
        gone = asyncio.ensure_future(reader.read(1))  # EOF here = the client hung up
        try:
            if response.delay_s:
                await asyncio.wait([gone], timeout=response.delay_s)
                if gone.done():
                    return False
            head = [f"HTTP/1.1 {response.status} X"]
            # One request per connection: the hang-up watcher reads from the socket, so a
            # kept-alive connection could lose the first byte of the next request to it.
            headers = {**response.headers, "connection": "close"}
            if response.stream is None:
                headers["content-length"] = str(len(response.body))
            else:
                headers["transfer-encoding"] = "chunked"
            head += [f"{k}: {v}" for k, v in headers.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            if response.stream is None:
                writer.write(response.body)
                await writer.drain()
                return True
            pieces = response.stream.__aiter__()
            while True:
                step = asyncio.ensure_future(anext(pieces, None))
                await asyncio.wait([step, gone], return_when=asyncio.FIRST_COMPLETED)
                if gone.done():  # the client hung up, maybe while the stream was quiet
                    step.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await step
                    return False
                piece = step.result()
                if piece is None:
                    break
                if piece:
                    writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()
            return True
        except ConnectionError:
            return False
        finally:
            if not gone.done():
                gone.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await gone
            elif gone.exception() is None and gone.result():
                self.raw_bytes.append(gone.result())  # bytes after the request: keep them too


async def paced(pieces: list[bytes], pause_s: float = 0.0) -> AsyncIterator[bytes]:
    """Yield pieces with a pause between them."""
    for piece in pieces:
        yield piece
        if pause_s:
            await asyncio.sleep(pause_s)


async def stall_after(pieces: list[bytes], stall_s: float) -> AsyncIterator[bytes]:
    """Send the first pieces, then go quiet (a stream that stops mid-answer)."""
    for piece in pieces:
        yield piece
    await asyncio.sleep(stall_s)
