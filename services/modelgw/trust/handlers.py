"""The `Trust` gRPC service around the in-process trust client: proto ⇄ domain, nothing more."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator

import grpc

from modelgw.api.v1 import trust_pb2, trust_pb2_grpc
from modelgw.common.convert import findings_to_pb, locality_from_pb, locality_to_pb, summary_to_pb
from modelgw.common.errors import InvalidArgument
from modelgw.common.grpc_errors import abort_on_error
from modelgw.common.internal_auth import InternalAuth
from modelgw.common.messages import EntityFinding
from modelgw.trust.client import LocalTrust
from modelgw.trust.response import ResponseGuard
from modelgw.trust.vault import VaultOwner
from modelgw.trust.wire import tenant_from_wire, vault_from_pb, vault_to_pb


class TrustService(trust_pb2_grpc.TrustServicer):
    def __init__(self, trust: LocalTrust, auth: InternalAuth) -> None:
        self._trust = trust
        self._auth = auth

    @abort_on_error
    async def Protect(
        self,
        request: trust_pb2.ProtectRequest,
        context: grpc.aio.ServicerContext[trust_pb2.ProtectRequest, trust_pb2.ProtectResponse],
    ) -> trust_pb2.ProtectResponse:
        self._auth.check(context.invocation_metadata() or ())
        tenant = tenant_from_wire(request.tenant, request.tenant_policy_json)
        localities = frozenset(locality_from_pb(loc) for loc in request.localities)
        if not localities:
            raise InvalidArgument("localities must name at least one locality")
        remaining: float | None = context.time_remaining()  # None: the caller set none
        result = await self._trust.protect(
            tenant,
            VaultOwner(tenant.name, request.key_id, request.end_user, request.session_id),
            list(request.texts),
            localities,
            deadline=time.monotonic() + remaining if remaining is not None else None,
        )
        return trust_pb2.ProtectResponse(
            vault=vault_to_pb(result.vault.entries()),
            masked=[
                trust_pb2.MaskedTexts(
                    locality=locality_to_pb(locality),
                    texts=list(masked.texts),
                    summary=summary_to_pb(masked.summary),
                )
                for locality, masked in sorted(result.by_locality.items())
            ],
            entity_types=sorted(result.entity_types),
            reserved_placeholders=sorted(result.vault.reserved),
        )

    @abort_on_error
    async def ScanAnswer(
        self,
        request_iterator: AsyncIterator[trust_pb2.ScanAnswerRequest],
        context: grpc.aio.ServicerContext[
            trust_pb2.ScanAnswerRequest, trust_pb2.ScanAnswerResponse
        ],
    ) -> AsyncIterator[trust_pb2.ScanAnswerResponse]:
        self._auth.check(context.invocation_metadata() or ())
        scanner: ResponseGuard | None = None
        known: set[str] = set()
        reported: Counter[tuple[str, str]] = Counter()
        try:
            async for request in request_iterator:
                if scanner is None:
                    if not request.HasField("context"):
                        raise InvalidArgument("the first ScanAnswer message must carry context")
                    ctx = request.context
                    vault = vault_from_pb(ctx.vault, ctx.reserved_placeholders)
                    known = {e.placeholder for e in vault.entries()}
                    scanner = self._trust.response_scanner(
                        tenant_from_wire(ctx.tenant, ctx.tenant_policy_json),
                        ctx.request_id,
                        vault,
                        list(ctx.prompt_texts),
                        locality_from_pb(ctx.destination),
                    )
                deadline = (
                    time.monotonic() + request.deadline_ms / 1000 if request.deadline_ms else None
                )
                segments = await scanner.scan(list(request.segments), deadline)
                new = [e for e in scanner.vault.entries() if e.placeholder not in known]
                known.update(e.placeholder for e in new)
                totals = Counter({(f.entity_type, f.action): f.count for f in scanner.findings})
                delta = tuple(
                    EntityFinding(t, n - reported[(t, a)], a)
                    for (t, a), n in sorted(totals.items())
                    if n > reported[(t, a)]
                )
                reported = totals
                reply = trust_pb2.ScanAnswerResponse(
                    segments=segments,
                    new_vault_entries=vault_to_pb(new),
                    findings=findings_to_pb(delta),
                    cut=scanner.cut,
                )
                if scanner.toxicity is not None:
                    reply.toxicity = scanner.toxicity
                yield reply
        finally:
            if scanner is not None:
                await scanner.close()
