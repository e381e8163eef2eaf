"""HTTP/2 to a provider on httpx, for a backend configured with `http2: true` (see `client`).

HTTP/2 is offered through ALPN over TLS; a plain-HTTP upstream still gets
HTTP/1.1. The pool keeps alive every connection it may open.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import httpx

from modelgw.common.config.provider_fields import HttpProviderMixin
from modelgw.providers.transport.client import CONNECT_TIMEOUT_S, TransportFailure


class _Response:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    async def read(self) -> bytes:
        try:
            return await self._response.aread()
        except httpx.HTTPError as exc:
            raise TransportFailure(type(exc).__name__) from exc

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for data in self._response.aiter_bytes():
                yield data
        except httpx.HTTPError as exc:
            raise TransportFailure(type(exc).__name__) from exc

    async def close(self) -> None:
        await self._response.aclose()


class HttpxTransport:
    def __init__(self, config: HttpProviderMixin, timeout_s: float) -> None:
        self._client = httpx.AsyncClient(
            http2=True,
            timeout=httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
            limits=httpx.Limits(
                max_connections=config.max_connections,
                max_keepalive_connections=config.max_connections,
            ),
            follow_redirects=False,
            trust_env=False,
        )

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> _Response:
        request = self._client.build_request("POST", url, content=body, headers=dict(headers))
        try:
            return _Response(await self._client.send(request, stream=True))
        except httpx.HTTPError as exc:
            raise TransportFailure(type(exc).__name__) from exc

    async def close(self) -> None:
        await self._client.aclose()
