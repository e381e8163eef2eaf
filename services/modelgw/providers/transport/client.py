"""One shared HTTP client per backend, behind the few calls an adapter's skeleton makes.

Two implementations, picked by the backend's `http2` setting:

- HTTP/1.1 keep-alive on aiohttp (the default). Measured side by side against
  the bench mock at c=32 on one loop (`python -m bench.http.clients`, results in
  `bench/http/clients.md`), httpx spent 14-20x the CPU per request (2.4 ms
  against 0.14-0.17 ms): its pool checks every idle connection's socket on
  every request, and each await goes through anyio. On a gateway whose event
  loop is the bottleneck that was most of the request path.
- HTTP/2 on httpx (`http2: true`), for an upstream where multiplexing over
  one TLS connection matters more than CPU per request.

Both never follow redirects (an upstream must not be able to send our masked
prompt and credentials elsewhere) and ignore the environment (no proxy, netrc
or CA settings picked up behind the operator's back); TLS is verified against
certifi's CA bundle either way. Every failure to get an answer is a
`TransportFailure` naming the library's error type, so the skeleton handles one
exception whichever client is underneath.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Protocol

from modelgw.common.config.provider_fields import HttpProviderMixin

CONNECT_TIMEOUT_S = 10.0
"""At most this long to open a connection (less when the backend's timeout is shorter)."""


class TransportFailure(Exception):
    """No answer could be had: refused, reset, TLS failure, a broken HTTP message."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind
        """The HTTP library's error type (`ClientConnectorError`, `ConnectError`)."""


class UpstreamResponse(Protocol):
    """An answer whose status and headers have arrived; its body is read on demand."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    async def read(self) -> bytes:
        """The whole body (then the connection goes back to the pool)."""
        ...

    def chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives."""
        ...

    async def close(self) -> None:
        """Done with it: a body not read to its end drops the connection, so the
        provider stops generating."""
        ...


class Transport(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> UpstreamResponse: ...

    async def close(self) -> None: ...


def new_client(config: HttpProviderMixin, timeout_s: float) -> Transport:
    """The backend's client: HTTP/2 on httpx when `http2` is set, else HTTP/1.1 on aiohttp."""
    if config.http2:
        from modelgw.providers.transport.httpx_client import HttpxTransport

        return HttpxTransport(config, timeout_s)
    from modelgw.providers.transport.aiohttp_client import AiohttpTransport

    return AiohttpTransport(config, timeout_s)
