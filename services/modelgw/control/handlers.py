"""The `Control` gRPC service: thin translation between proto and the control plane.

Internal RPCs check the shared internal token; admin RPCs authenticate an API
key and act as its `Admin` (scoped to its tenant unless a platform admin).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TypeVar

import grpc

from modelgw.api.v1 import control_pb2, control_pb2_grpc
from modelgw.common.errors import InvalidArgument, NotFound
from modelgw.common.grpc_errors import abort_on_error
from modelgw.common.internal_auth import INTERNAL_TOKEN_HEADER, InternalAuth
from modelgw.control.admin import Admin, AdminAuthenticator
from modelgw.control.auth import PrincipalResolver
from modelgw.control.convert import (
    declared_key_to_pb,
    feed_to_pb,
    instant,
    outcome_to_pb,
    stamp,
    stored_key_to_pb,
    version_to_pb,
)
from modelgw.control.key_admin import KeyAdmin
from modelgw.control.key_store import KeyStore, StoredKey
from modelgw.control.plane import TenantPlane
from modelgw.control.store import ControlStore

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
Req = TypeVar("Req")
Res = TypeVar("Res")
Context = grpc.aio.ServicerContext


class ControlService(control_pb2_grpc.ControlServicer):
    def __init__(
        self,
        store: ControlStore,
        tenants: TenantPlane,
        keys: KeyAdmin,
        resolver: PrincipalResolver,
        admins: AdminAuthenticator,
        internal: InternalAuth,
    ) -> None:
        self._store = store
        self._tenants = tenants
        self._keys = keys
        self._key_store = KeyStore(store)
        self._resolver = resolver
        self._admins = admins
        self._internal = internal

    async def _admin(self, context: Context[Req, Res]) -> Admin:
        return await self._admins.authenticate(context.invocation_metadata() or ())

    # -- internal ------------------------------------------------------------------------------
    @abort_on_error
    async def ResolveApiKey(
        self,
        request: control_pb2.ResolveApiKeyRequest,
        context: Context[control_pb2.ResolveApiKeyRequest, control_pb2.Principal],
    ) -> control_pb2.Principal:
        self._internal.check(context.invocation_metadata() or ())
        if not _SHA256_HEX.match(request.key_sha256):
            raise InvalidArgument("key_sha256 must be 64 lowercase hex characters")
        principal = await self._resolver.resolve(request.key_sha256)
        if principal is None:
            raise NotFound("no API key with this hash")
        current = await self._store.current(principal.tenant)
        return control_pb2.Principal(
            tenant=principal.tenant,
            key_id=principal.key_id,
            roles=sorted(principal.roles),
            allowed_models=list(current.document.config.allowed_models) if current else [],
            valid_until=stamp(principal.valid_until),
        )

    @abort_on_error
    async def SyncTenants(
        self,
        request: control_pb2.SyncTenantsRequest,
        context: Context[control_pb2.SyncTenantsRequest, control_pb2.SyncTenantsResponse],
    ) -> control_pb2.SyncTenantsResponse:
        self._internal.check(context.invocation_metadata() or ())
        return feed_to_pb(await self._store.feed(request.epoch, request.after_change))

    @abort_on_error
    async def WatchChanges(
        self,
        request: control_pb2.WatchChangesRequest,
        context: Context[control_pb2.WatchChangesRequest, control_pb2.ChangeNotice],
    ) -> AsyncIterator[control_pb2.ChangeNotice]:
        self._internal.check(context.invocation_metadata() or ())
        doorbell = self._store.doorbell
        while True:
            token = doorbell.token()
            yield control_pb2.ChangeNotice(rings=doorbell.rings)
            while not await doorbell.wait(token, 30.0):
                pass  # a long-lived stream; the gateway's periodic read is its backstop

    @abort_on_error
    async def ListTenants(
        self,
        request: control_pb2.ListTenantsRequest,
        context: Context[control_pb2.ListTenantsRequest, control_pb2.ListTenantsResponse],
    ) -> control_pb2.ListTenantsResponse:
        metadata = context.invocation_metadata() or ()
        if any(key == INTERNAL_TOKEN_HEADER for key, _ in metadata):
            self._internal.check(metadata)
            admin = Admin("internal", None)
        else:
            admin = await self._admin(context)
        now = datetime.now(UTC)
        issued = await self._key_store.count_valid(now)
        listed = []
        for head in await self._tenants.current_versions(admin):
            declared = self._keys.declared(head.tenant)
            listed.append(
                control_pb2.TenantInfo(
                    name=head.tenant,
                    display_name=head.document.config.display_name,
                    api_keys=len(declared) + issued.get(head.tenant, 0),
                    version=head.version,
                    updated_at=stamp(head.created_at),
                    updated_by=head.created_by,
                )
            )
        return control_pb2.ListTenantsResponse(tenants=listed)

    # -- tenant documents -------------------------------------------------------------------
    @abort_on_error
    async def ApplyTenant(
        self,
        request: control_pb2.ApplyTenantRequest,
        context: Context[control_pb2.ApplyTenantRequest, control_pb2.ApplyTenantResponse],
    ) -> control_pb2.ApplyTenantResponse:
        admin = await self._admin(context)
        outcomes = await self._tenants.apply(
            admin,
            request.document,
            request.format,
            request.message,
            dry_run=request.dry_run,
            expected_version=request.expected_version,
            source=request.source_name or "<document>",
        )
        return control_pb2.ApplyTenantResponse(outcomes=[outcome_to_pb(o) for o in outcomes])

    @abort_on_error
    async def GetTenant(
        self,
        request: control_pb2.GetTenantRequest,
        context: Context[control_pb2.GetTenantRequest, control_pb2.TenantVersion],
    ) -> control_pb2.TenantVersion:
        admin = await self._admin(context)
        found = await self._tenants.get(admin, request.tenant, request.version or None)
        return version_to_pb(found)

    @abort_on_error
    async def TenantHistory(
        self,
        request: control_pb2.TenantHistoryRequest,
        context: Context[control_pb2.TenantHistoryRequest, control_pb2.TenantHistoryResponse],
    ) -> control_pb2.TenantHistoryResponse:
        admin = await self._admin(context)
        found = await self._tenants.history(admin, request.tenant, request.limit or 100)
        return control_pb2.TenantHistoryResponse(
            versions=[version_to_pb(v, document=False) for v in found]
        )

    @abort_on_error
    async def DiffTenant(
        self,
        request: control_pb2.DiffTenantRequest,
        context: Context[control_pb2.DiffTenantRequest, control_pb2.DiffTenantResponse],
    ) -> control_pb2.DiffTenantResponse:
        admin = await self._admin(context)
        diff = await self._tenants.diff(
            admin, request.tenant, request.from_version, request.to_version
        )
        return control_pb2.DiffTenantResponse(diff=diff)

    @abort_on_error
    async def RollbackTenant(
        self,
        request: control_pb2.RollbackTenantRequest,
        context: Context[control_pb2.RollbackTenantRequest, control_pb2.ApplyTenantResponse],
    ) -> control_pb2.ApplyTenantResponse:
        admin = await self._admin(context)
        outcome = await self._tenants.rollback(
            admin, request.tenant, request.to_version, request.message
        )
        return control_pb2.ApplyTenantResponse(outcomes=[outcome_to_pb(outcome)])

    # -- keys ------------------------------------------------------------------------------------
    @abort_on_error
    async def CreateApiKey(
        self,
        request: control_pb2.CreateApiKeyRequest,
        context: Context[control_pb2.CreateApiKeyRequest, control_pb2.IssuedApiKey],
    ) -> control_pb2.IssuedApiKey:
        admin = await self._admin(context)
        issued = await self._keys.create(
            admin,
            request.tenant,
            request.key_id,
            list(request.roles),
            expires_in_s=request.expires_in_s,
            message=request.message,
        )
        return control_pb2.IssuedApiKey(
            key=issued.secret, info=stored_key_to_pb(issued.key, datetime.now(UTC))
        )

    @abort_on_error
    async def ListApiKeys(
        self,
        request: control_pb2.ListApiKeysRequest,
        context: Context[control_pb2.ListApiKeysRequest, control_pb2.ListApiKeysResponse],
    ) -> control_pb2.ListApiKeysResponse:
        admin = await self._admin(context)
        listing = await self._keys.listing(admin, request.tenant)
        declared = [declared_key_to_pb(request.tenant, k) for k in listing.declared]
        return control_pb2.ListApiKeysResponse(keys=declared + _keys_pb(listing.issued))

    @abort_on_error
    async def RotateApiKey(
        self,
        request: control_pb2.RotateApiKeyRequest,
        context: Context[control_pb2.RotateApiKeyRequest, control_pb2.IssuedApiKey],
    ) -> control_pb2.IssuedApiKey:
        admin = await self._admin(context)
        grace = request.grace_s if request.HasField("grace_s") else None
        issued = await self._keys.rotate(
            admin, request.tenant, request.key_id, grace_s=grace, message=request.message
        )
        return control_pb2.IssuedApiKey(
            key=issued.secret, info=stored_key_to_pb(issued.key, datetime.now(UTC))
        )

    @abort_on_error
    async def ExpireApiKey(
        self,
        request: control_pb2.ExpireApiKeyRequest,
        context: Context[control_pb2.ExpireApiKeyRequest, control_pb2.ListApiKeysResponse],
    ) -> control_pb2.ListApiKeysResponse:
        admin = await self._admin(context)
        at = instant(request.at) if request.HasField("at") else None
        found = await self._keys.expire(
            admin, request.tenant, request.key_id, at=at, message=request.message
        )
        return control_pb2.ListApiKeysResponse(keys=_keys_pb(found))

    @abort_on_error
    async def RevokeApiKey(
        self,
        request: control_pb2.RevokeApiKeyRequest,
        context: Context[control_pb2.RevokeApiKeyRequest, control_pb2.ListApiKeysResponse],
    ) -> control_pb2.ListApiKeysResponse:
        admin = await self._admin(context)
        found = await self._keys.revoke(
            admin, request.tenant, request.key_id, message=request.message
        )
        return control_pb2.ListApiKeysResponse(keys=_keys_pb(found))


def _keys_pb(keys: list[StoredKey]) -> list[control_pb2.ApiKeyInfo]:
    now = datetime.now(UTC)
    return [stored_key_to_pb(k, now) for k in keys]
