"""The `Trust` service over gRPC. Any failure to get an answer fails closed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import grpc

from modelgw.api.v1 import trust_pb2, trust_pb2_grpc
from modelgw.common.config.providers import Locality
from modelgw.common.convert import (
    findings_from_pb,
    locality_to_pb,
    messages_from_pb,
    messages_to_pb,
    summary_from_pb,
)
from modelgw.common.errors import (
    BlockedByPolicy,
    InvalidArgument,
    TrustLayerUnavailable,
)
from modelgw.common.messages import ChatMessage, EntityFinding
from modelgw.control.auth import InternalAuth
from modelgw.trust.engine import ProtectResult
from modelgw.trust.vault import Vault, VaultEntry


def vault_to_pb(entries: list[VaultEntry]) -> list[trust_pb2.VaultEntry]:
    return [
        trust_pb2.VaultEntry(placeholder=e.placeholder, value=e.value, entity_type=e.entity_type)
        for e in entries
    ]


def vault_from_pb(entries: Iterable[trust_pb2.VaultEntry]) -> list[VaultEntry]:
    return [VaultEntry(e.placeholder, e.value, e.entity_type) for e in entries]


def _translate(exc: grpc.aio.AioRpcError) -> Exception:
    if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidArgument(exc.details() or "invalid request")
    if exc.code() == grpc.StatusCode.PERMISSION_DENIED and "policy" in (exc.details() or ""):
        return BlockedByPolicy(exc.details() or "blocked by policy")
    return TrustLayerUnavailable(
        f"trust service unavailable ({exc.code().name}); the request was not sent (fail closed)"
    )


class RemoteTrust:
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
            raise _translate(exc) from None
        return ProtectResult(
            messages_from_pb(reply.messages),
            Vault(vault_from_pb(reply.vault)),
            summary_from_pb(reply.summary),
        )

    def response_scanner(
        self,
        tenant: str,
        request_id: str,
        protected: ProtectResult,
        prompt: list[ChatMessage],
        *,
        external: bool,
    ) -> RemoteResponseScanner:
        return RemoteResponseScanner(
            self, tenant, request_id, protected.vault, [m.content for m in prompt], external
        )

    async def scan_response(
        self, request: trust_pb2.ScanResponseRequest
    ) -> trust_pb2.ScanResponseResponse:
        try:
            return await self._stub.ScanResponse(
                request, timeout=self._timeout_s, metadata=self._auth.metadata
            )
        except grpc.aio.AioRpcError as exc:
            raise _translate(exc) from None


@dataclass(slots=True)
class RemoteResponseScanner:
    """Keeps the running state of one answer here; each call sends the segments so far."""

    client: RemoteTrust
    tenant: str
    request_id: str
    vault: Vault
    prompt_texts: list[str]
    external: bool
    cut: bool = False
    toxicity: float | None = None
    passthrough: bool = False
    """The policy lives in the trust service: always scan segment by segment."""
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def findings(self) -> tuple[EntityFinding, ...]:
        return tuple(EntityFinding(t, n, a) for (t, a), n in sorted(self._counts.items()))

    async def scan(self, segments: list[str]) -> list[str]:
        if self.cut or not segments:
            return []
        reply = await self.client.scan_response(
            trust_pb2.ScanResponseRequest(
                tenant=self.tenant,
                request_id=self.request_id,
                segments=segments,
                vault=vault_to_pb(self.vault.entries()),
                prompt_texts=self.prompt_texts,
                destination=locality_to_pb(Locality.EXTERNAL if self.external else Locality.LOCAL),
            )
        )
        for entry in vault_from_pb(reply.new_vault_entries):
            self.vault.add(entry)
        for finding in findings_from_pb(reply.findings):
            key = (finding.entity_type, finding.action)
            self._counts[key] = self._counts.get(key, 0) + finding.count
        if reply.HasField("toxicity"):
            self.toxicity = max(self.toxicity or 0.0, reply.toxicity)
        self.cut = reply.cut
        return list(reply.segments)
