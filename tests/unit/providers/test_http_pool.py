"""A provider's HTTP client keeps alive every connection its pool may open.

With fewer kept alive than opened, every burst above that number closes the
extra connections after their response and opens them again for the next
burst: a TCP (and, upstream, TLS) handshake per request beyond the keep-alive
count, on the request path, under exactly the load where it hurts.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from modelgw.common.config.provider_fields import HttpProviderMixin
from modelgw.providers.transport.client import Transport, new_client

REPLY = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}"


class KeepAliveServer:
    """HTTP/1.1 with keep-alive (the recording fake closes after each response): answers
    every empty POST on a connection after a pause, and counts the connections opened."""

    def __init__(self) -> None:
        self.connections = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await reader.readuntil(b"\r\n\r\n")  # an empty POST: headers only
                await asyncio.sleep(0.5)  # long enough for a burst to overlap, even on a busy CI
                writer.write(REPLY)
                await writer.drain()
        writer.close()


async def _status(client: Transport, url: str) -> int:
    response = await client.post(url, b"", {})
    try:
        await response.read()
        return response.status
    finally:
        await response.close()


@pytest.mark.parametrize("http2", [False, True], ids=["aiohttp", "httpx"])
async def test_a_second_burst_reuses_the_connections_of_the_first(http2: bool) -> None:
    burst = 40
    upstream = KeepAliveServer()
    server = await asyncio.start_server(upstream.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    client = new_client(HttpProviderMixin(max_connections=64, http2=http2), timeout_s=30)
    opened: list[int] = []
    try:
        for _ in range(2):
            statuses = await asyncio.gather(*(_status(client, url) for _ in range(burst)))
            assert statuses == [200] * burst
            opened.append(upstream.connections - sum(opened))
    finally:
        await client.close()
        server.close()
    assert opened == [burst, 0], f"connections opened per burst: {opened}"


async def test_a_burst_beyond_the_pool_waits_for_a_connection() -> None:
    """4x the pool: every request is answered over the pool's connections, none refused."""
    upstream = KeepAliveServer()
    server = await asyncio.start_server(upstream.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    client = new_client(HttpProviderMixin(max_connections=4), timeout_s=30)
    try:
        statuses = await asyncio.gather(*(_status(client, url) for _ in range(16)))
    finally:
        await client.close()
        server.close()
    assert statuses == [200] * 16
    assert upstream.connections == 4
