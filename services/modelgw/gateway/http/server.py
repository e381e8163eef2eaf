"""Serve the HTTP front door with uvicorn inside the running asyncio loop.

The gRPC servers and this one share one loop and one `Pipeline`. uvicorn's
own signal handling is switched off: the process's SIGTERM handler
(`serve_until_signalled`) stops every server together: `drain` turns
`/healthz` to 503 while requests are still served, and `stop` gives in-flight
HTTP requests (streams included) the same grace period as gRPC, then waits
for the requests uvicorn cancelled to unwind (uvicorn itself does not).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from modelgw.common.config.tls import ServerTls
from modelgw.common.readiness import Readiness

UNWIND_S = 5.0
"""How long `stop` waits for cancelled requests to unwind (close their upstream calls,
hand over their audit records); a request that ignores its cancellation is left."""


class _InLoopServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(address: str, reuse_port: bool = False) -> socket.socket:
    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and without it keep-alive responses stall ~40 ms on Nagle + delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:  # several gateway processes on one port (`server.processes`)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, int(port)))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {address}: {exc}") from exc
    sock.set_inheritable(True)
    return sock


class HttpServer:
    """A started uvicorn server; `port` is the bound port (useful with port 0)."""

    def __init__(
        self,
        server: uvicorn.Server,
        task: asyncio.Task[None],
        port: int,
        readiness: Readiness | None = None,
    ) -> None:
        self._server = server
        self._task = task
        self.port = port
        self._readiness = readiness

    async def drain(self) -> None:
        if self._readiness is not None:
            self._readiness.drain()

    async def stop(self, grace: float) -> None:
        """Stop accepting, let in-flight requests finish for up to `grace` s, then cancel."""
        self._server.config.timeout_graceful_shutdown = grace  # type: ignore[assignment]  # uvicorn says int; it only goes to asyncio.timeout(), a float
        self._server.should_exit = True
        await self._task
        # uvicorn cancels what outlived the grace period and returns at once.
        cancelled = set(self._server.server_state.tasks)
        if cancelled:
            await asyncio.wait(cancelled, timeout=UNWIND_S)


async def start_http_server(
    app: ASGIApp,
    address: str,
    tls: ServerTls | None = None,
    readiness: Readiness | None = None,
    reuse_port: bool = False,
) -> HttpServer:
    """Serve `app` on `address`; with `tls`, HTTPS whose certificate follows its files;
    `readiness` is what `app` reports on `/healthz`, turned by `drain`; `reuse_port` lets
    other processes listen on the same port (`server.processes`)."""
    ssl_context_factory = None
    if tls is not None:
        from modelgw.common.tls import ReloadingSSLContext

        context = ReloadingSSLContext(tls).context  # a broken file fails here, at start

        def ssl_context_factory(*_: object) -> ssl.SSLContext:
            return context

    sock = _bind(address, reuse_port)
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_keep_alive=30,
        ssl_context_factory=ssl_context_factory,
    )
    server = _InLoopServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"http {address}")
    while not server.started:
        if task.done():
            sock.close()
            task.result()  # raises what made startup fail
            raise OSError(f"HTTP server on {address} stopped during startup")
        await asyncio.sleep(0.01)
    return HttpServer(server, task, sock.getsockname()[1], readiness)
