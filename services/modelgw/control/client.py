"""Resolve API keys through the `Control` service, with a short cache.

The cache keeps the hot path off the network; its TTL bounds how long a
revoked key keeps working on a gateway.
"""

from __future__ import annotations

import time

import grpc

from modelgw.api.v1 import control_pb2, control_pb2_grpc
from modelgw.common.errors import Unavailable
from modelgw.common.internal_auth import InternalAuth
from modelgw.control.directory import Principal


class RemotePrincipalResolver:
    def __init__(
        self,
        channel: grpc.aio.Channel,
        auth: InternalAuth,
        *,
        ttl_s: float = 30.0,
        timeout_s: float = 2.0,
    ) -> None:
        self._stub = control_pb2_grpc.ControlStub(channel)
        self._auth = auth
        self._ttl_s = ttl_s
        self._timeout_s = timeout_s
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def resolve(self, key_sha256: str) -> Principal | None:
        now = time.monotonic()
        cached = self._cache.get(key_sha256)
        if cached and cached[0] > now:
            return cached[1]
        try:
            reply = await self._stub.ResolveApiKey(
                control_pb2.ResolveApiKeyRequest(key_sha256=key_sha256),
                timeout=self._timeout_s,
                metadata=self._auth.metadata,
            )
            principal: Principal | None = Principal(
                tenant=reply.tenant,
                key_id=reply.key_id,
                roles=frozenset(reply.roles),
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.NOT_FOUND:
                raise Unavailable(f"control service unavailable ({exc.code().name})") from None
            principal = None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key_sha256] = (now + self._ttl_s, principal)
        return principal
