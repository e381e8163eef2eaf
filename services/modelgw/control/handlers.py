"""The `Control` gRPC service: key resolution for other services, tenant listing."""

from __future__ import annotations

import re

import grpc

from modelgw.api.v1 import control_pb2, control_pb2_grpc
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import InvalidArgument, NotFound
from modelgw.common.grpc_errors import abort_on_error
from modelgw.common.internal_auth import InternalAuth
from modelgw.control.directory import TenantDirectory

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class ControlService(control_pb2_grpc.ControlServicer):
    def __init__(
        self, config: ModelgwConfig, directory: TenantDirectory, internal: InternalAuth
    ) -> None:
        self._config = config
        self._directory = directory
        self._internal = internal

    @abort_on_error
    async def ResolveApiKey(
        self,
        request: control_pb2.ResolveApiKeyRequest,
        context: grpc.aio.ServicerContext[control_pb2.ResolveApiKeyRequest, control_pb2.Principal],
    ) -> control_pb2.Principal:
        self._internal.check(context.invocation_metadata() or ())
        if not _SHA256_HEX.match(request.key_sha256):
            raise InvalidArgument("key_sha256 must be 64 lowercase hex characters")
        principal = await self._directory.resolve(request.key_sha256)
        if principal is None:
            raise NotFound("no API key with this hash")
        return control_pb2.Principal(
            tenant=principal.tenant,
            key_id=principal.key_id,
            roles=sorted(principal.roles),
            allowed_models=list(self._config.tenants[principal.tenant].allowed_models),
        )

    @abort_on_error
    async def ListTenants(
        self,
        request: control_pb2.ListTenantsRequest,
        context: grpc.aio.ServicerContext[
            control_pb2.ListTenantsRequest, control_pb2.ListTenantsResponse
        ],
    ) -> control_pb2.ListTenantsResponse:
        self._internal.check(context.invocation_metadata() or ())
        return control_pb2.ListTenantsResponse(
            tenants=[
                control_pb2.TenantInfo(
                    name=name, display_name=tenant.display_name, api_keys=len(tenant.api_keys)
                )
                for name, tenant in sorted(self._config.tenants.items())
            ]
        )
