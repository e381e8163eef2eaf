"""A TLS front for the vLLM engine, whose own gRPC server only listens in plaintext.

vLLM's gRPC launcher binds with `add_insecure_port` and has no TLS option. With
`--tls-cert-file`, `modelgw worker` runs the engine on a loopback port and
serves the worker's address itself: TLS (mutual with a client CA) on the
outside, every call passed through to the engine as opaque bytes, metadata,
deadline, status and cancellation included. The certificate follows its files
like every modelgw listener. A second, plaintext port can pass the health
service alone, for Kubernetes' gRPC probes, which cannot speak TLS.

The cost is one more hop in this process per message (tokens stream through it);
the engine's own work dwarfs it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from modelgw.common.config.tls import ServerTls
from modelgw.common.tls import grpc_server_credentials

log = logging.getLogger(__name__)

HEALTH_PREFIX = "/grpc.health.v1.Health/"
# As vLLM's own server: no message size limit, and a non-streaming Generate that writes
# nothing for a while must not earn the client's keepalive pings a GOAWAY.
SERVER_OPTIONS = [
    ("grpc.max_send_message_length", -1),
    ("grpc.max_receive_message_length", -1),
    ("grpc.http2.max_ping_strikes", 0),
    ("grpc.http2.min_ping_interval_without_data_ms", 10000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.so_reuseport", 0),
]
_NOT_FORWARDED = {"user-agent", "te", "content-type"}


def _forwarded(metadata: Any) -> list[tuple[str, str | bytes]]:
    return [
        (key, value)
        for key, value in metadata or ()
        if not key.startswith((":", "grpc-")) and key not in _NOT_FORWARDED
    ]


class PassThrough(grpc.GenericRpcHandler):
    """Hands every allowed method to the engine unchanged; others get UNIMPLEMENTED."""

    def __init__(self, engine: grpc.aio.Channel, allow: Callable[[str], bool]) -> None:
        self._engine = engine
        self._allow = allow

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        if not self._allow(method):
            return None
        upstream: grpc.aio.StreamStreamMultiCallable[bytes, bytes] = self._engine.stream_stream(
            method
        )

        async def forward(
            requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext[bytes, bytes]
        ) -> AsyncIterator[bytes]:
            call = upstream(
                requests,
                metadata=_forwarded(context.invocation_metadata()),
                timeout=context.time_remaining(),
            )
            try:
                async for reply in call:
                    yield reply
                context.set_trailing_metadata(_forwarded(await call.trailing_metadata()))
            except grpc.aio.AioRpcError as exc:
                context.set_trailing_metadata(_forwarded(exc.trailing_metadata()))
                await context.abort(exc.code(), exc.details() or "")
            finally:
                call.cancel()  # the caller went away: so does the engine's request

        return grpc.stream_stream_rpc_method_handler(forward)


class TlsFront:
    """The worker's TLS port (and optional plaintext health port) in front of the engine."""

    def __init__(self, engine_address: str) -> None:
        self._engine = grpc.aio.insecure_channel(
            engine_address,
            options=[("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)],
        )
        self._servers: list[grpc.aio.Server] = []

    async def _serve(
        self, address: str, allow: Callable[[str], bool], tls: ServerTls | None
    ) -> None:
        server = grpc.aio.server(options=SERVER_OPTIONS)
        server.add_generic_rpc_handlers([PassThrough(self._engine, allow)])
        if tls is None:
            port = server.add_insecure_port(address)
        else:
            port = server.add_secure_port(address, grpc_server_credentials(tls))
        if port == 0:
            raise OSError(f"cannot listen on {address}")
        await server.start()
        self._servers.append(server)

    async def start(self, listen: str, tls: ServerTls, health_listen: str | None) -> None:
        await self._serve(listen, lambda _: True, tls)
        log.info("TLS front on %s", listen)
        if health_listen:
            await self._serve(health_listen, lambda m: m.startswith(HEALTH_PREFIX), None)
            log.info("gRPC health (plaintext, probes only) on %s", health_listen)

    async def stop(self, grace: float) -> None:
        await asyncio.gather(*(server.stop(grace) for server in self._servers))
        await self._engine.close()
