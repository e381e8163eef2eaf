"""The `Trust` gRPC service around the in-process trust client."""

from __future__ import annotations

import grpc

from modelgw.api.v1 import trust_pb2, trust_pb2_grpc
from modelgw.common.config.providers import Locality
from modelgw.common.convert import (
    findings_to_pb,
    locality_from_pb,
    messages_from_pb,
    messages_to_pb,
    summary_to_pb,
)
from modelgw.common.errors import InvalidArgument
from modelgw.common.grpc_errors import abort_on_error
from modelgw.common.messages import ChatMessage, Role, TrustDecision, TrustSummary
from modelgw.control.auth import InternalAuth
from modelgw.trust.client import LocalTrust
from modelgw.trust.engine import ProtectResult
from modelgw.trust.remote import vault_from_pb, vault_to_pb
from modelgw.trust.restore import restore_text
from modelgw.trust.vault import Vault


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
        if not request.tenant:
            raise InvalidArgument("tenant is required")
        destination = locality_from_pb(request.destination)
        result = await self._trust.protect(
            request.tenant,
            request.request_id,
            request.session_id,
            messages_from_pb(request.messages),
            external=destination is Locality.EXTERNAL,
        )
        return trust_pb2.ProtectResponse(
            messages=messages_to_pb(result.messages),
            vault=vault_to_pb(result.vault.entries()),
            summary=summary_to_pb(result.summary),
        )

    @abort_on_error
    async def Restore(
        self,
        request: trust_pb2.RestoreRequest,
        context: grpc.aio.ServicerContext[trust_pb2.RestoreRequest, trust_pb2.RestoreResponse],
    ) -> trust_pb2.RestoreResponse:
        self._auth.check(context.invocation_metadata() or ())
        vault = Vault(vault_from_pb(request.vault))
        return trust_pb2.RestoreResponse(text=restore_text(request.text, vault))

    @abort_on_error
    async def ScanResponse(
        self,
        request: trust_pb2.ScanResponseRequest,
        context: grpc.aio.ServicerContext[
            trust_pb2.ScanResponseRequest, trust_pb2.ScanResponseResponse
        ],
    ) -> trust_pb2.ScanResponseResponse:
        self._auth.check(context.invocation_metadata() or ())
        if not request.tenant:
            raise InvalidArgument("tenant is required")
        vault = Vault(vault_from_pb(request.vault))
        known = {e.placeholder for e in vault.entries()}
        prompt = [ChatMessage(Role.USER, t) for t in request.prompt_texts]
        scanner = self._trust.response_scanner(
            request.tenant,
            request.request_id,
            ProtectResult([], vault, TrustSummary(TrustDecision.CLEAN)),
            prompt,
            external=locality_from_pb(request.destination) is Locality.EXTERNAL,
        )
        segments = await scanner.scan(list(request.segments))
        reply = trust_pb2.ScanResponseResponse(
            segments=segments,
            new_vault_entries=vault_to_pb(
                [e for e in vault.entries() if e.placeholder not in known]
            ),
            findings=findings_to_pb(scanner.findings),
            cut=scanner.cut,
        )
        if scanner.toxicity is not None:
            reply.toxicity = scanner.toxicity
        return reply
