"""Run the vLLM gRPC server as a child: report ready only once the engine serves, stop cleanly.

Readiness is the engine's own gRPC health (`vllm.grpc.engine.VllmEngine`
SERVING), which vLLM flips only after the model is loaded and warmed up; the
same check serves Kubernetes' native gRPC readiness probe. SIGTERM/SIGINT are
passed to the child, which drains in-flight requests; if it has not exited
after the grace period it is killed, so a stuck engine cannot block a rollout.
With a TLS front (`tls_front.py`), the front opens once the engine serves and
drains alongside it on stop.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Protocol

import grpc
from grpc_health.v1 import health_pb2

from modelgw.common.health import health_stub

log = logging.getLogger(__name__)

ENGINE_SERVICE = "vllm.grpc.engine.VllmEngine"


async def engine_serving(address: str, limit_s: float = 2.0) -> bool:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_stub(channel)
        try:
            reply = await stub.Check(
                health_pb2.HealthCheckRequest(service=ENGINE_SERVICE), timeout=limit_s
            )
        except grpc.aio.AioRpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


class Front(Protocol):
    async def stop(self, grace: float) -> None: ...


async def supervise(
    command: list[str],
    address: str,
    *,
    startup_timeout_s: float,
    grace_s: float,
    front: Callable[[], Awaitable[Front]] | None = None,
    announce: str | None = None,
) -> int:
    """Start the engine, announce readiness, and return its exit code.

    `address` is where the engine itself answers; `front` starts what serves the
    worker's own address in front of it (announced as `announce`) once it does.
    """
    opened: Front | None = None
    child = await asyncio.create_subprocess_exec(*command)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    exited = asyncio.ensure_future(child.wait())
    stopping = asyncio.ensure_future(stop.wait())
    deadline = loop.time() + startup_timeout_s
    ready = False
    try:
        while not exited.done() and not stop.is_set():
            if not ready:
                if await engine_serving(address):
                    if front is not None:
                        opened = await front()
                    ready = True
                    log.info("worker ready: vLLM engine serving on %s (pid %d)", address, child.pid)
                    print(f"modelgw worker: ready on {announce or address}", flush=True)
                elif loop.time() > deadline:
                    log.error("engine not serving after %.0fs; stopping it", startup_timeout_s)
                    break
            await asyncio.wait({exited, stopping}, timeout=1.0)
    finally:
        stopping.cancel()
        # The front stops taking calls and lets its in-flight ones finish while the engine
        # drains the same calls: both within the one grace period.
        closing = asyncio.ensure_future(opened.stop(grace_s)) if opened else None
        if child.returncode is None:
            log.info("stopping the engine (grace %.0fs)", grace_s)
            child.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(exited), grace_s)
            except TimeoutError:
                log.warning("engine did not stop within %.0fs; killing it", grace_s)
                child.kill()
                await exited
        if closing is not None:
            await closing
    code = child.returncode or 0
    if not ready and not stop.is_set():
        return code or 1
    return code
