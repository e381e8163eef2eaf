"""The `Audit` gRPC service: internal ingest and the compliance queries."""

from __future__ import annotations

import base64
from datetime import UTC

import grpc
from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.convert import record_from_pb, record_to_pb
from modelgw.audit.records import AuditQuery
from modelgw.audit.store import MAX_PAGE_SIZE, AuditStore
from modelgw.common.config.tenants import Role
from modelgw.common.errors import InvalidArgument, NotFound, PermissionDenied
from modelgw.common.grpc_errors import abort_on_error
from modelgw.control.auth import Authenticator, InternalAuth
from modelgw.control.directory import Principal


def _encode_cursor(row_id: int | None) -> str:
    return base64.urlsafe_b64encode(str(row_id).encode()).decode() if row_id else ""


def _decode_cursor(token: str) -> int | None:
    if not token:
        return None
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument("page_token is not one this service returned") from None


def _scoped_tenant(principal: Principal, requested: str) -> str:
    """Auditors see their own tenant only."""
    if not principal.has_role(Role.AUDITOR):
        raise PermissionDenied("querying the audit log needs an API key with the `auditor` role")
    if requested and requested != principal.tenant:
        raise PermissionDenied(f"this auditor key may only query tenant {principal.tenant!r}")
    return principal.tenant


class AuditService(audit_pb2_grpc.AuditServicer):
    def __init__(
        self, store: AuditStore, authenticator: Authenticator, internal: InternalAuth
    ) -> None:
        self._store = store
        self._auth = authenticator
        self._internal = internal

    @abort_on_error
    async def Ingest(
        self, request: audit_pb2.IngestRequest, context: grpc.aio.ServicerContext
    ) -> audit_pb2.IngestResponse:
        self._internal.check(context.invocation_metadata() or ())
        records = []
        for i, message in enumerate(request.records):
            if not message.tenant or not message.request_id:
                raise InvalidArgument(f"records[{i}]: tenant and request_id are required")
            records.append(record_from_pb(message))
        stored, duplicates = await self._store.append(records)
        return audit_pb2.IngestResponse(stored=stored, duplicates=duplicates)

    @abort_on_error
    async def QueryRecords(
        self, request: audit_pb2.QueryRecordsRequest, context: grpc.aio.ServicerContext
    ) -> audit_pb2.QueryRecordsResponse:
        principal = await self._auth.authenticate(context.invocation_metadata() or ())
        tenant = _scoped_tenant(principal, request.tenant)
        if request.page_size > MAX_PAGE_SIZE:
            raise InvalidArgument(f"page_size must be at most {MAX_PAGE_SIZE}")
        page = await self._store.query(
            AuditQuery(
                tenant=tenant,
                since=request.since.ToDatetime(tzinfo=UTC) if request.HasField("since") else None,
                until=request.until.ToDatetime(tzinfo=UTC) if request.HasField("until") else None,
                end_user=request.end_user or None,
                model=request.model or None,
                page_size=request.page_size or 100,
                after_id=_decode_cursor(request.page_token),
            )
        )
        return audit_pb2.QueryRecordsResponse(
            records=[record_to_pb(r) for r in page.records],
            next_page_token=_encode_cursor(page.next_cursor),
        )

    @abort_on_error
    async def GetRecord(
        self, request: audit_pb2.GetRecordRequest, context: grpc.aio.ServicerContext
    ) -> audit_pb2.AuditRecord:
        principal = await self._auth.authenticate(context.invocation_metadata() or ())
        tenant = _scoped_tenant(principal, request.tenant)
        record = await self._store.get(tenant, request.request_id)
        if record is None:
            raise NotFound(f"no audit record {request.request_id!r} for tenant {tenant!r}")
        return record_to_pb(record)
