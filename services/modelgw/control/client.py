"""The control plane over gRPC, as the gateway and the audit service use it.

`RemotePrincipalResolver` asks the `Control` service for one key (uncached:
`modelgw.control.keys.CachedResolver` goes in front). `RemoteFeed` follows the
change feed: `SyncTenants` reads it, a `WatchChanges` stream rings the
doorbell when something changed, and the follower's periodic read is the
backstop when that stream is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC

import grpc

from modelgw.api.v1 import control_pb2, control_pb2_grpc
from modelgw.common.errors import Unavailable
from modelgw.common.internal_auth import InternalAuth
from modelgw.control.convert import feed_from_pb
from modelgw.control.directory import Principal
from modelgw.control.doorbell import Doorbell
from modelgw.control.store import FeedUpdate

log = logging.getLogger(__name__)


class RemotePrincipalResolver:
    def __init__(
        self, channel: grpc.aio.Channel, auth: InternalAuth, *, timeout_s: float = 2.0
    ) -> None:
        self._stub = control_pb2_grpc.ControlStub(channel)
        self._auth = auth
        self._timeout_s = timeout_s

    async def resolve(self, key_sha256: str) -> Principal | None:
        try:
            reply = await self._stub.ResolveApiKey(
                control_pb2.ResolveApiKeyRequest(key_sha256=key_sha256),
                timeout=self._timeout_s,
                metadata=self._auth.metadata,
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise Unavailable(f"control service unavailable ({exc.code().name})") from None
            return None
        return Principal(
            tenant=reply.tenant,
            key_id=reply.key_id,
            roles=frozenset(reply.roles),
            valid_until=reply.valid_until.ToDatetime(tzinfo=UTC)
            if reply.HasField("valid_until")
            else None,
        )


class RemoteFeed:
    """The change feed of a `Control` service: read on demand, rung by a watch stream."""

    def __init__(
        self, channel: grpc.aio.Channel, auth: InternalAuth, *, timeout_s: float = 5.0
    ) -> None:
        self._stub = control_pb2_grpc.ControlStub(channel)
        self._auth = auth
        self._timeout_s = timeout_s
        self.doorbell = Doorbell()
        self._watch: asyncio.Task[None] | None = None

    async def read(self, epoch: str, after: int) -> FeedUpdate:
        reply = await self._stub.SyncTenants(
            control_pb2.SyncTenantsRequest(epoch=epoch, after_change=after),
            timeout=self._timeout_s,
            metadata=self._auth.metadata,
        )
        return feed_from_pb(reply)

    def start(self) -> None:
        if self._watch is None:
            self._watch = asyncio.ensure_future(self._follow())
            self._watch.set_name("control-watch")

    async def _follow(self) -> None:
        backoff = 0.2
        while True:
            try:
                stream = self._stub.WatchChanges(
                    control_pb2.WatchChangesRequest(), metadata=self._auth.metadata
                )
                async for _notice in stream:
                    backoff = 0.2
                    self.doorbell.ring()
            except asyncio.CancelledError:
                raise
            except grpc.aio.AioRpcError as exc:
                log.debug("control watch stream ended (%s); reopening", exc.code().name)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
