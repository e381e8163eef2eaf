"""Run a grpc.aio server with health checking, reflection and graceful shutdown.

Every modelgw service starts through `start_server`, so they all report health
the same way, expose reflection for grpcurl, and stop cleanly on SIGTERM
(`serve_until_signalled`): report NOT_SERVING while still serving for the
drain time, then stop accepting, let in-flight calls finish within the grace
period, then cancel the rest. With TLS configured the port is TLS only
(mutual when the config requires client certificates); a separate plaintext
port can serve the health service alone, for probes that cannot speak TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from grpc_reflection.v1alpha import reflection

from modelgw.common.config.tls import ServerTls

log = logging.getLogger(__name__)


S = TypeVar("S")


class ServiceBinding:
    """A servicer and how to add it: `add(servicer, server)` and its full service name.

    `add` is the generated `add_<Service>Servicer_to_server`, so the servicer's type is
    checked against the service it is bound to.
    """

    __slots__ = ("_add", "full_name")

    def __init__(
        self, full_name: str, add: Callable[[S, grpc.aio.Server], None], servicer: S
    ) -> None:
        self.full_name = full_name
        self._add: Callable[[grpc.aio.Server], None] = lambda server: add(servicer, server)

    def add_to(self, server: grpc.aio.Server) -> None:
        self._add(server)


class Stoppable(Protocol):
    """A part of the process that shuts down with it: a started server (gRPC or HTTP), or
    the gateway's requests in flight."""

    async def drain(self) -> None:
        """From now on report NOT_SERVING (gRPC health, 503 on `/healthz`); keep serving."""

    async def stop(self, grace: float) -> None:
        """Stop accepting; let in-flight calls finish for up to `grace` s, then cancel them."""


class GrpcServer:
    """A started server; `stop` drains it."""

    def __init__(
        self,
        server: grpc.aio.Server,
        health: health_aio.HealthServicer,
        port: int,
        names: Sequence[str],
        probe: grpc.aio.Server | None = None,
    ) -> None:
        self.server = server
        self.health = health
        self.port = port
        self._names = names
        self._probe = probe

    async def drain(self) -> None:
        await self.health.enter_graceful_shutdown()  # every service NOT_SERVING, for good

    async def stop(self, grace: float) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        if self._probe is not None:
            await self._probe.stop(0)


async def _start_probe(
    health: health_aio.HealthServicer, address: str, reuse_port: bool
) -> grpc.aio.Server:
    """A plaintext server with the health service alone, sharing `health` with the main one."""
    probe = grpc.aio.server(options=[("grpc.so_reuseport", int(reuse_port))])
    health_pb2_grpc.add_HealthServicer_to_server(health, probe)
    if probe.add_insecure_port(address) == 0:
        raise OSError(f"cannot listen on {address} (health)")
    await probe.start()
    return probe


async def start_server(
    bindings: Sequence[ServiceBinding],
    address: str,
    *,
    max_message_bytes: int = 4 * 1024 * 1024,
    tls: ServerTls | None = None,
    health_address: str | None = None,
    reuse_port: bool = False,
) -> GrpcServer:
    """Serve `bindings` on `address` (TLS with `tls`); `health_address` adds a probe port.

    `reuse_port`: other processes may listen on the same ports, and the kernel spreads new
    connections over them (`server.processes`). Off, a second process on a port in use
    fails to start, as it should when nobody meant to share it.
    """
    from opentelemetry.instrumentation.grpc import aio_server_interceptor

    from modelgw.common.tls import grpc_server_credentials

    server = grpc.aio.server(
        interceptors=[aio_server_interceptor()],  # type: ignore[no-untyped-call]  # opentelemetry leaves it unannotated
        options=[
            ("grpc.max_receive_message_length", max_message_bytes),
            ("grpc.max_send_message_length", max_message_bytes),
            ("grpc.so_reuseport", int(reuse_port)),
        ],
    )
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    names = [b.full_name for b in bindings]
    for binding in bindings:
        binding.add_to(server)
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    if tls is None:
        port = server.add_insecure_port(address)
    else:
        port = server.add_secure_port(address, grpc_server_credentials(tls))
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    await server.start()
    try:
        probe = await _start_probe(health, health_address, reuse_port) if health_address else None
    except BaseException:
        await server.stop(0)
        raise
    for name in ["", *names]:
        await health.set(name, health_pb2.HealthCheckResponse.SERVING)
    return GrpcServer(server, health, port, names, probe)


async def serve_until_signalled(
    servers: Sequence[Stoppable],
    grace: float,
    on_stop: Callable[[], Awaitable[None]] | None = None,
    *,
    drain_s: float = 0.0,
) -> None:
    """Block until SIGTERM/SIGINT, then shut down in steps, each server alike:

    1. drain: for `drain_s`, report NOT_SERVING (gRPC health, 503 on `/healthz`) while
       still serving, so load balancers and endpoints stop sending before anything is
       refused (a second signal ends this step early);
    2. stop accepting; calls in flight get `grace` s to finish, then are cancelled;
    3. `on_stop` (records of requests still open, then the audit spool's delivery).

    `servers` are stopped in their order, at once: put the requests in flight first, so
    their cut-off mark is set before any server's grace timer starts.
    """
    loop = asyncio.get_running_loop()
    signalled = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, signalled.set)
    await signalled.wait()
    signalled.clear()
    await asyncio.gather(*(s.drain() for s in servers))
    if drain_s > 0:
        log.info("draining: NOT_SERVING for %.1fs while still serving calls", drain_s)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signalled.wait(), drain_s)
    log.info("shutting down: in-flight calls may finish for up to %.1fs", grace)
    await asyncio.gather(*(s.stop(grace) for s in servers))
    if on_stop is not None:
        await on_stop()
    log.info("stopped")
