"""Start the OpenAI-compatible HTTP front door in-process, beside the gRPC gateway.

`running_http_gateway` runs in the test's own loop (for async tests with the
`openai` client or httpx). `http_gateway_in_thread` runs the same thing on a
loop in a background thread, so synchronous code (hypothesis tests, sync
httpx) can call it without blocking the server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from modelgw.common.config.schema import ModelgwConfig
from modelgw.gateway.http.server import HttpServer, start_http_server
from modelgw.providers.base import Backend
from modelgw.trust.engine import TrustEngine
from tests.harness import RunningGateway, running_gateway

T = TypeVar("T")


@dataclass
class HttpGateway:
    grpc: RunningGateway
    """The gRPC side of the same process (Gateway + Audit), sharing the pipeline."""
    server: HttpServer

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.base_url}/v1"


@contextlib.asynccontextmanager
async def running_http_gateway(
    config: ModelgwConfig,
    *,
    trust_engine: TrustEngine | None = None,
    backends: Mapping[str, Backend] | None = None,
) -> AsyncIterator[HttpGateway]:
    """`modelgw serve` in this loop: gRPC Gateway + Audit and the HTTP API on free ports."""
    async with running_gateway(config, trust_engine=trust_engine, backends=backends) as gw:
        server = await start_http_server(await gw.assembly.http_app(), "127.0.0.1:0")
        try:
            yield HttpGateway(gw, server)
        finally:
            await server.stop(5)


@dataclass
class ThreadedHttpGateway:
    gateway: HttpGateway
    loop: asyncio.AbstractEventLoop

    @property
    def base_url(self) -> str:
        return self.gateway.base_url

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the server's loop and wait for it.

        A coroutine, not any awaitable: a bare gRPC call object (e.g. `stub.GetRecord(...)`)
        is refused by `run_coroutine_threadsafe`; wrap it in an `async def`.
        """
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@contextlib.contextmanager
def http_gateway_in_thread(
    config: ModelgwConfig,
    *,
    trust_engine: TrustEngine | None = None,
    backends: Mapping[str, Backend] | None = None,
) -> Iterator[ThreadedHttpGateway]:
    loop = asyncio.new_event_loop()
    started: concurrent.futures.Future[HttpGateway] = concurrent.futures.Future()
    stop = asyncio.Event()

    async def serve() -> None:
        try:
            async with running_http_gateway(
                config, trust_engine=trust_engine, backends=backends
            ) as gateway:
                started.set_result(gateway)
                await stop.wait()
        except BaseException as exc:
            if not started.done():
                started.set_exception(exc)
            raise

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    try:
        yield ThreadedHttpGateway(started.result(timeout=60), loop)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()
