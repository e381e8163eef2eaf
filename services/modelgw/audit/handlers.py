"""The `Audit` gRPC service: internal ingest and the compliance queries.

Thin: authenticate, scope to the auditor's tenant, translate proto ⇄ domain,
and record the access. Tenant confinement is enforced again by Postgres RLS
inside `AuditReader`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC
from typing import Any

import grpc

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.checkpoints import Verifier
from modelgw.audit.convert import record_from_pb, record_to_pb
from modelgw.audit.export import csv_header, csv_rows, jsonl
from modelgw.audit.queries import MAX_PAGE_SIZE, AuditReader, decode_cursor, encode_cursor
from modelgw.audit.records import AuditQuery
from modelgw.audit.store import AuditStore, is_connection_error
from modelgw.audit.verify import verify_chain
from modelgw.common.config.tenants import Role
from modelgw.common.errors import InvalidArgument, NotFound, PermissionDenied, Unavailable
from modelgw.common.grpc_errors import abort_on_error
from modelgw.common.internal_auth import InternalAuth
from modelgw.control.auth import Authenticator
from modelgw.control.directory import Principal

Drain = Callable[[], Awaitable[None]]


def _scoped_tenant(principal: Principal, requested: str) -> str:
    """Auditors see their own tenant only."""
    if not principal.has_role(Role.AUDITOR):
        raise PermissionDenied("querying the audit log needs an API key with the `auditor` role")
    if requested and requested != principal.tenant:
        raise PermissionDenied(f"this auditor key may only query tenant {principal.tenant!r}")
    return principal.tenant


def _query(request: audit_pb2.QueryRecordsRequest, tenant: str, page_size: int) -> AuditQuery:
    return AuditQuery(
        tenant=tenant,
        since=request.since.ToDatetime(tzinfo=UTC) if request.HasField("since") else None,
        until=request.until.ToDatetime(tzinfo=UTC) if request.HasField("until") else None,
        end_user=request.end_user or None,
        model=request.model or None,
        provider=request.provider or None,
        entity_type=request.entity_type or None,
        decision=request.decision or None,
        status=request.status or None,
        client_request_id=request.client_request_id or None,
        page_size=page_size,
    )


def _detail(request: audit_pb2.QueryRecordsRequest) -> dict[str, Any]:
    fields = (
        "end_user",
        "model",
        "provider",
        "entity_type",
        "decision",
        "status",
        "client_request_id",
    )
    detail: dict[str, Any] = {f: getattr(request, f) for f in fields if getattr(request, f)}
    for stamp in ("since", "until"):
        if request.HasField(stamp):
            detail[stamp] = getattr(request, stamp).ToDatetime(tzinfo=UTC).isoformat()
    return detail


class AuditService(audit_pb2_grpc.AuditServicer):
    def __init__(
        self,
        store: AuditStore,
        authenticator: Authenticator,
        internal: InternalAuth,
        verifier: Verifier,
        drain: Drain | None = None,
    ) -> None:
        """`drain` delivers this process's spool first, so a query sees its own writes."""
        self._store = store
        self._reader = AuditReader(store.engine)
        self._auth = authenticator
        self._internal = internal
        self._verifier = verifier
        self._drain = drain

    async def _auditor(
        self, context: grpc.aio.ServicerContext[Any, Any], requested: str
    ) -> Principal:
        principal = await self._auth.authenticate(context.invocation_metadata() or ())
        _scoped_tenant(principal, requested)
        if self._drain is not None:
            await self._drain()
        return principal

    @abort_on_error
    async def Ingest(
        self,
        request: audit_pb2.IngestRequest,
        context: grpc.aio.ServicerContext[audit_pb2.IngestRequest, audit_pb2.IngestResponse],
    ) -> audit_pb2.IngestResponse:
        self._internal.check(context.invocation_metadata() or ())
        records = []
        for i, message in enumerate(request.records):
            if not message.tenant or not message.request_id:
                raise InvalidArgument(f"records[{i}]: tenant and request_id are required")
            records.append(record_from_pb(message))
        try:
            result = await self._store.append(records)
        except Exception as exc:
            if not (is_connection_error(exc) or isinstance(exc, OSError)):
                raise
            # An outage, not a bug: the caller keeps the records spooled and retries.
            raise Unavailable(
                f"the audit store is unreachable ({type(exc).__name__}); retry later"
            ) from exc
        return audit_pb2.IngestResponse(
            stored=result.stored, duplicates=result.duplicates, dead_lettered=result.dead_lettered
        )

    @abort_on_error
    async def QueryRecords(
        self,
        request: audit_pb2.QueryRecordsRequest,
        context: grpc.aio.ServicerContext[
            audit_pb2.QueryRecordsRequest, audit_pb2.QueryRecordsResponse
        ],
    ) -> audit_pb2.QueryRecordsResponse:
        principal = await self._auditor(context, request.tenant)
        if request.page_size > MAX_PAGE_SIZE:
            raise InvalidArgument(f"page_size must be at most {MAX_PAGE_SIZE}")
        query = _query(request, principal.tenant, request.page_size or 100)
        page = await self._reader.query(query, after=decode_cursor(request.page_token))
        await self._reader.log_access(
            principal.tenant, principal.key_id, "query", _detail(request), len(page.records)
        )
        return audit_pb2.QueryRecordsResponse(
            records=[record_to_pb(r, with_sealed_raw=False) for r in page.records],
            next_page_token=encode_cursor(page.next_cursor),
        )

    @abort_on_error
    async def GetRecord(
        self,
        request: audit_pb2.GetRecordRequest,
        context: grpc.aio.ServicerContext[audit_pb2.GetRecordRequest, audit_pb2.AuditRecord],
    ) -> audit_pb2.AuditRecord:
        principal = await self._auditor(context, request.tenant)
        record = await self._reader.get(principal.tenant, request.request_id)
        await self._reader.log_access(
            principal.tenant,
            principal.key_id,
            "get",
            {"request_id": request.request_id},
            int(record is not None),
        )
        if record is None:
            raise NotFound(
                f"no audit record {request.request_id!r} for tenant {principal.tenant!r}"
            )
        return record_to_pb(record, with_sealed_raw=False)

    @abort_on_error
    async def Export(
        self,
        request: audit_pb2.ExportRequest,
        context: grpc.aio.ServicerContext[audit_pb2.ExportRequest, audit_pb2.ExportChunk],
    ) -> AsyncIterator[audit_pb2.ExportChunk]:
        principal = await self._auditor(context, request.filter.tenant)
        query = _query(request.filter, principal.tenant, MAX_PAGE_SIZE)
        total = await self._reader.count(query)
        csv = request.format == audit_pb2.EXPORT_FORMAT_CSV
        detail = {**_detail(request.filter), "format": "csv" if csv else "jsonl"}
        # Logged before the data leaves: an export cut short still shows who asked.
        await self._reader.log_access(principal.tenant, principal.key_id, "export", detail, total)
        done = 0
        if csv:
            yield audit_pb2.ExportChunk(data=csv_header(), records_total=total)
        async for records in self._reader.stream(query):
            done += len(records)
            data = csv_rows(records) if csv else jsonl(records)
            yield audit_pb2.ExportChunk(data=data, records_done=done, records_total=total)

    @abort_on_error
    async def Verify(
        self,
        request: audit_pb2.VerifyRequest,
        context: grpc.aio.ServicerContext[audit_pb2.VerifyRequest, audit_pb2.VerifyResponse],
    ) -> audit_pb2.VerifyResponse:
        principal = await self._auditor(context, request.tenant)
        async with self._reader.scoped(principal.tenant) as conn:
            report = await verify_chain(
                conn,
                principal.tenant,
                self._verifier,
                from_seq=request.from_seq or None,
                to_seq=request.to_seq or None,
            )
        await self._reader.log_access(
            principal.tenant,
            principal.key_id,
            "verify",
            {"from_seq": request.from_seq, "to_seq": request.to_seq, "ok": report.ok},
            report.records_checked,
        )
        return verify_response(report)


def verify_response(report: Any) -> audit_pb2.VerifyResponse:
    return audit_pb2.VerifyResponse(
        ok=report.ok,
        records_checked=report.records_checked,
        checkpoints_checked=report.checkpoints_checked,
        problems=[
            audit_pb2.VerifyProblem(
                kind=p.kind, seq=p.seq, request_id=p.request_id, detail=p.detail
            )
            for p in report.problems
        ],
        notes=report.notes,
    )
