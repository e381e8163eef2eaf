"""HTTP/1.1 keep-alive to a provider on aiohttp: the default transport (see `client`).

The session is made on first use, inside the event loop that serves requests
(aiohttp binds a session to the loop it was made in; backends are built before
the loop runs). The pool keeps alive every connection it may open
(`max_connections`): with fewer, every burst above that many would reopen
connections, a TCP and TLS handshake each, on the request path.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Mapping

import aiohttp
import certifi

from modelgw.common.config.provider_fields import HttpProviderMixin
from modelgw.providers.transport.client import CONNECT_TIMEOUT_S, TransportFailure


class _Response:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    async def read(self) -> bytes:
        try:
            return await self._response.read()
        except aiohttp.ClientError as exc:
            raise TransportFailure(type(exc).__name__) from exc

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for data in self._response.content.iter_any():
                yield data
        except aiohttp.ClientError as exc:
            raise TransportFailure(type(exc).__name__) from exc

    async def close(self) -> None:
        if self._response.content.at_eof():
            self._response.release()  # read to its end: the connection is reused
        else:
            self._response.close()  # cut short: drop it, so the provider stops


class AiohttpTransport:
    def __init__(self, config: HttpProviderMixin, timeout_s: float) -> None:
        self._limit = config.max_connections
        self._timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=min(CONNECT_TIMEOUT_S, timeout_s)
        )
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            tls = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=0, ssl=tls)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                trust_env=False,
                auto_decompress=True,
            )
        return self._session

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> _Response:
        """Sends the request and waits for the status and headers. The caller's deadline
        (`asyncio.timeout_at` around this and every read) bounds it; a cancelled wait
        drops the connection."""
        try:
            response = await self._client().post(
                url, data=body, headers=dict(headers), allow_redirects=False
            )
        except aiohttp.ClientError as exc:
            raise TransportFailure(type(exc).__name__) from exc
        return _Response(response)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
