"""The `Trust` service over gRPC, seen from the gateway. Any failure to get an answer fails closed.

The gateway owns the detection deadline: a `Protect` call's gRPC deadline and
each `ScanAnswer` message's `deadline_ms` are the configured
`trust.deadline_ms`, and the service works within what it is given.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import grpc

from modelgw.api.v1 import trust_pb2, trust_pb2_grpc
from modelgw.common.config.providers import Locality
from modelgw.common.convert import (
    findings_from_pb,
    locality_from_pb,
    locality_to_pb,
    summary_from_pb,
)
from modelgw.common.errors import BlockedByPolicy, InvalidArgument, TrustLayerUnavailable
from modelgw.common.internal_auth import InternalAuth
from modelgw.common.messages import EntityFinding
from modelgw.common.telemetry import trace_metadata
from modelgw.common.tenant import Tenant
from modelgw.trust.engine import MaskedTexts, ProtectResult
from modelgw.trust.vault import Vault, VaultOwner
from modelgw.trust.wire import tenant_policy_json, vault_from_pb, vault_to_pb


def _translate(exc: grpc.aio.AioRpcError) -> Exception:
    if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidArgument(exc.details() or "invalid request")
    if exc.code() == grpc.StatusCode.PERMISSION_DENIED and "policy" in (exc.details() or ""):
        return BlockedByPolicy(exc.details() or "blocked by policy")
    return TrustLayerUnavailable(
        f"trust service unavailable ({exc.code().name}); the request was not sent (fail closed)"
    )


class RemoteTrust:
    def __init__(self, channel: grpc.aio.Channel, auth: InternalAuth, deadline_s: float) -> None:
        self._stub = trust_pb2_grpc.TrustStub(channel)
        self._auth = auth
        self._deadline_s = deadline_s

    async def protect(
        self,
        tenant: Tenant,
        owner: VaultOwner,
        texts: Sequence[str],
        localities: frozenset[Locality],
        *,
        deadline: float | None = None,
    ) -> ProtectResult:
        request = trust_pb2.ProtectRequest(
            tenant=tenant.name,
            session_id=owner.session_id,
            key_id=owner.key_id,
            end_user=owner.end_user,
            texts=list(texts),
            localities=[locality_to_pb(loc) for loc in sorted(localities)],
            tenant_policy_json=tenant_policy_json(tenant),
        )
        timeout = self._deadline_s
        if deadline is not None:
            timeout = max(0.0, min(timeout, deadline - time.monotonic()))
        try:
            reply = await self._stub.Protect(request, timeout=timeout, metadata=self._auth.metadata)
        except grpc.aio.AioRpcError as exc:
            raise _translate(exc) from None
        return ProtectResult(
            vault_from_pb(reply.vault, reply.reserved_placeholders),
            {
                locality_from_pb(m.locality): MaskedTexts(
                    tuple(m.texts), summary_from_pb(m.summary)
                )
                for m in reply.masked
            },
            frozenset(reply.entity_types),
        )

    def response_scanner(
        self,
        tenant: Tenant,
        request_id: str,
        vault: Vault,
        prompt_texts: Sequence[str],
        locality: Locality,
    ) -> RemoteResponseScanner:
        context = trust_pb2.ScanContext(
            tenant=tenant.name,
            request_id=request_id,
            tenant_policy_json=tenant_policy_json(tenant),
            prompt_texts=list(prompt_texts),
            destination=locality_to_pb(locality),
        )
        return RemoteResponseScanner(self._stub, self._auth, self._deadline_s, context, vault)


@dataclass(slots=True)
class RemoteResponseScanner:
    """One `ScanAnswer` stream per answer: the context goes once, then only segments.

    The vault's values stay here: the service gets the placeholders it must skip
    (as entries, so it numbers new ones on), and sends back only what it adds.
    """

    stub: trust_pb2_grpc.TrustAsyncStub
    auth: InternalAuth
    deadline_s: float
    context: trust_pb2.ScanContext
    vault: Vault
    cut: bool = False
    toxicity: float | None = None
    passthrough: bool = False
    """The policy is applied in the trust service: always scan segment by segment."""
    scores_toxicity: bool = True
    """Whether the service runs a toxicity model is not known here: send it every segment."""
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)
    _call: (
        grpc.aio.StreamStreamCall[trust_pb2.ScanAnswerRequest, trust_pb2.ScanAnswerResponse] | None
    ) = None

    @property
    def findings(self) -> tuple[EntityFinding, ...]:
        return tuple(EntityFinding(t, n, a) for (t, a), n in sorted(self._counts.items()))

    async def scan(self, segments: list[str]) -> list[str]:
        if self.cut or not segments:
            return []
        request = trust_pb2.ScanAnswerRequest(
            segments=segments, deadline_ms=int(self.deadline_s * 1000)
        )
        if self._call is None:
            self.context.vault.extend(vault_to_pb(self.vault.entries()))
            self.context.reserved_placeholders.extend(sorted(self.vault.reserved))
            request.context.CopyFrom(self.context)
            metadata = (*self.auth.metadata, *trace_metadata())
            self._call = self.stub.ScanAnswer(metadata=metadata)
        call = self._call
        try:
            async with asyncio.timeout(self.deadline_s):
                await call.write(request)
                reply = await call.read()
        except grpc.aio.AioRpcError as exc:
            raise _translate(exc) from None
        except TimeoutError:
            raise TrustLayerUnavailable(
                f"the trust service did not scan the answer within {self.deadline_s:g} s; "
                "the rest of the answer was withheld (fail closed)"
            ) from None
        if not isinstance(reply, trust_pb2.ScanAnswerResponse):  # grpc.aio.EOF
            raise TrustLayerUnavailable("the trust service ended the answer scan early")
        for entry in vault_from_pb(reply.new_vault_entries).entries():
            self.vault.add(entry)
        for finding in findings_from_pb(reply.findings):
            key = (finding.entity_type, finding.action)
            self._counts[key] = self._counts.get(key, 0) + finding.count
        if reply.HasField("toxicity"):
            self.toxicity = max(self.toxicity or 0.0, reply.toxicity)
        self.cut = reply.cut
        return list(reply.segments)

    def unscanned(self, segment: str) -> None:
        """Never called: this scanner is sent every segment (`scores_toxicity`)."""
        raise AssertionError("a remote answer scan is sent every segment")

    async def close(self) -> None:
        call, self._call = self._call, None
        if call is not None:
            call.cancel()
