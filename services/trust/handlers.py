"""The `Trust` gRPC service around `TrustEngine`."""

from __future__ import annotations

import grpc
from modelgw.api.v1 import trust_pb2, trust_pb2_grpc
from modelgw.common.config.providers import Locality
from modelgw.common.convert import (
    locality_from_pb,
    messages_from_pb,
    messages_to_pb,
    summary_to_pb,
)
from modelgw.common.errors import InvalidArgument
from modelgw.common.grpc_errors import abort_on_error
from modelgw.control.auth import InternalAuth
from modelgw.trust.client import LocalTrust
from modelgw.trust.restore import restore_text
from modelgw.trust.vault import Vault, VaultEntry


class TrustService(trust_pb2_grpc.TrustServicer):
    def __init__(self, trust: LocalTrust, auth: InternalAuth) -> None:
        self._trust = trust
        self._auth = auth

    @abort_on_error
    async def Protect(
        self, request: trust_pb2.ProtectRequest, context: grpc.aio.ServicerContext
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
            vault=[
                trust_pb2.VaultEntry(
                    placeholder=e.placeholder, value=e.value, entity_type=e.entity_type
                )
                for e in result.vault.entries()
            ],
            summary=summary_to_pb(result.summary),
        )

    @abort_on_error
    async def Restore(
        self, request: trust_pb2.RestoreRequest, context: grpc.aio.ServicerContext
    ) -> trust_pb2.RestoreResponse:
        self._auth.check(context.invocation_metadata() or ())
        vault = Vault(VaultEntry(e.placeholder, e.value, e.entity_type) for e in request.vault)
        return trust_pb2.RestoreResponse(text=restore_text(request.text, vault))
