"""How the gateway reaches the trust layer: in this process, or the `Trust` service."""

from __future__ import annotations

from typing import Protocol

import grpc
from modelgw.api.v1 import trust_pb2, trust_pb2_grpc
from modelgw.common.config.providers import Locality
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.convert import (
    locality_to_pb,
    messages_from_pb,
    messages_to_pb,
    summary_from_pb,
)
from modelgw.common.errors import (
    BlockedByPolicy,
    InvalidArgument,
    NotFound,
    TrustLayerUnavailable,
)
from modelgw.common.messages import ChatMessage
from modelgw.control.auth import InternalAuth
from modelgw.trust.engine import ProtectResult, TrustEngine
from modelgw.trust.vault import Vault, VaultEntry


class TrustClient(Protocol):
    async def protect(
        self,
        tenant: str,
        request_id: str,
        session_id: str,
        messages: list[ChatMessage],
        *,
        external: bool,
    ) -> ProtectResult: ...


class LocalTrust:
    """The trust engine in this process, applying each tenant's policy from config."""

    def __init__(self, engine: TrustEngine, config: ModelgwConfig) -> None:
        self._engine = engine
        self._config = config

    async def protect(
        self,
        tenant: str,
        request_id: str,
        session_id: str,
        messages: list[ChatMessage],
        *,
        external: bool,
    ) -> ProtectResult:
        tenant_config = self._config.tenants.get(tenant)
        if tenant_config is None:
            raise NotFound(f"unknown tenant {tenant!r}")
        return await self._engine.protect(messages, tenant_config.entity_policy, external=external)


class RemoteTrust:
    """The `Trust` service over gRPC. Any failure to get an answer fails closed."""

    def __init__(self, channel: grpc.aio.Channel, auth: InternalAuth, timeout_s: float) -> None:
        self._stub = trust_pb2_grpc.TrustStub(channel)
        self._auth = auth
        self._timeout_s = timeout_s

    async def protect(
        self,
        tenant: str,
        request_id: str,
        session_id: str,
        messages: list[ChatMessage],
        *,
        external: bool,
    ) -> ProtectResult:
        request = trust_pb2.ProtectRequest(
            tenant=tenant,
            request_id=request_id,
            session_id=session_id,
            messages=messages_to_pb(messages),
            destination=locality_to_pb(Locality.EXTERNAL if external else Locality.LOCAL),
        )
        try:
            reply = await self._stub.Protect(
                request, timeout=self._timeout_s, metadata=self._auth.metadata
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                raise InvalidArgument(exc.details() or "invalid request") from None
            if exc.code() == grpc.StatusCode.PERMISSION_DENIED and "policy" in (
                exc.details() or ""
            ):
                raise BlockedByPolicy(exc.details() or "blocked by policy") from None
            raise TrustLayerUnavailable(
                f"trust service unavailable ({exc.code().name}); the request was not sent "
                "(fail closed)"
            ) from None
        vault = Vault(VaultEntry(e.placeholder, e.value, e.entity_type) for e in reply.vault)
        return ProtectResult(
            messages_from_pb(reply.messages), vault, summary_from_pb(reply.summary)
        )
