"""The `Audit` gRPC service: internal ingest and the compliance queries.

Thin: authenticate, scope to the auditor's tenant, translate proto ⇄ domain,
and record the access. Tenant confinement is enforced again by Postgres RLS
inside `AuditReader`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.checkpoints import Verifier
from modelgw.audit.convert import record_from_pb, record_to_pb
from modelgw.audit.export import csv_header, csv_rows, jsonl
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.queries import MAX_PAGE_SIZE, AuditReader, decode_cursor, encode_cursor
from modelgw.audit.records import AuditQuery
from modelgw.audit.request_checks import filter_text, instant, seq_bound
from modelgw.audit.store import AuditStore
from modelgw.audit.verify import verify_chain
from modelgw.common.config.tenants import Role
from modelgw.common.db_errors import is_connection_error
from modelgw.common.errors import InvalidArgument, NotFound, PermissionDenied, Unavailable
from modelgw.common.grpc_errors import abort_on_error
from modelgw.common.internal_auth import InternalAuth
from modelgw.control.auth import Authenticator
from modelgw.control.directory import Principal

log = logging.getLogger(__name__)

Drain = Callable[[], Awaitable[None]]


_FILTERS = ("end_user", "model", "provider", "entity_type", "decision", "status")


def _scoped_tenant(principal: Principal, requested: str) -> str:
    """Auditors see their own tenant only."""
    if not principal.has_role(Role.AUDITOR):
        raise PermissionDenied("querying the audit log needs an API key with the `auditor` role")
    if requested and requested != principal.tenant:
        raise PermissionDenied(f"this auditor key may only query tenant {principal.tenant!r}")
    return principal.tenant


def _checked(request: audit_pb2.QueryRecordsRequest) -> None:
    """Refuse what the database cannot take before the request is scoped or logged."""
    filter_text("tenant", request.tenant)
    filter_text("client_request_id", request.client_request_id)
    for name in _FILTERS:
        filter_text(name, getattr(request, name))
    for stamp in ("since", "until"):
        if request.HasField(stamp):
            instant(stamp, getattr(request, stamp))
    decode_cursor(request.page_token)


def _query(
    request: audit_pb2.QueryRecordsRequest, tenant: str, page_size: int, pseudonyms: Pseudonyms
) -> AuditQuery:
    return AuditQuery(
        tenant=tenant,
        since=instant("since", request.since) if request.HasField("since") else None,
        until=instant("until", request.until) if request.HasField("until") else None,
        end_users=pseudonyms.end_user_forms(tenant, request.end_user),
        model=request.model or None,
        provider=request.provider or None,
        entity_type=request.entity_type or None,
        decision=request.decision or None,
        status=request.status or None,
        client_request_id=request.client_request_id or None,
        page_size=page_size,
    )


def _detail(
    request: audit_pb2.QueryRecordsRequest, tenant: str, pseudonyms: Pseudonyms
) -> dict[str, Any]:
    """What was asked, for the access log: an end user only as its pseudonym."""
    detail: dict[str, Any] = {f: getattr(request, f) for f in _FILTERS if getattr(request, f)}
    if request.end_user:
        detail["end_user"] = pseudonyms.of(tenant, "end_user", request.end_user)
    if request.client_request_id:
        detail["client_request_id"] = request.client_request_id
    if request.tenant:
        detail["tenant"] = request.tenant
    for stamp in ("since", "until"):
        if request.HasField(stamp):
            detail[stamp] = instant(stamp, getattr(request, stamp)).isoformat()
    return detail


class AuditService(audit_pb2_grpc.AuditServicer):
    def __init__(
        self,
        store: AuditStore,
        authenticator: Authenticator,
        internal: InternalAuth,
        verifier: Verifier,
        pseudonyms: Pseudonyms,
        drain: Drain | None = None,
    ) -> None:
        """`drain` delivers this process's spool first, so a query sees its own writes;
        `pseudonyms` hashes an end-user filter the way the gateway hashed the records."""
        self._store = store
        self._reader = AuditReader(store.engine)
        self._auth = authenticator
        self._internal = internal
        self._verifier = verifier
        self._pseudonyms = pseudonyms
        self._drain = drain

    async def _auditor(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        requested: str,
        action: str,
        asked: Callable[[str], dict[str, Any]],
    ) -> Principal:
        """The authenticated auditor of `requested`'s records, or a refusal that is logged.

        A refused read is written to the access log of the key's own tenant (who, the
        action, what was asked, the refusal) before the refusal is returned. Should that
        write fail, the caller still gets the refusal: a logging failure is logged, never
        turned into a read.
        """
        principal = await self._auth.authenticate(context.invocation_metadata() or ())
        try:
            _scoped_tenant(principal, requested)
        except PermissionDenied as refusal:
            detail = {
                **asked(principal.tenant),
                "refused": f"{refusal.code.name}: {refusal.message}",
            }
            try:
                await self._reader.log_access(principal.tenant, principal.key_id, action, detail, 0)
            except Exception:
                log.exception(
                    "could not log a refused audit %s by key %s of tenant %s",
                    action,
                    principal.key_id,
                    principal.tenant,
                )
            raise
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
        _checked(request)
        principal = await self._auditor(
            context,
            request.tenant,
            "query",
            lambda tenant: _detail(request, tenant, self._pseudonyms),
        )
        if request.page_size > MAX_PAGE_SIZE:
            raise InvalidArgument(f"page_size must be at most {MAX_PAGE_SIZE}")
        query = _query(request, principal.tenant, request.page_size or 100, self._pseudonyms)
        page = await self._reader.query(query, after=decode_cursor(request.page_token))
        await self._reader.log_access(
            principal.tenant,
            principal.key_id,
            "query",
            _detail(request, principal.tenant, self._pseudonyms),
            len(page.records),
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
        filter_text("tenant", request.tenant)
        filter_text("request_id", request.request_id)
        asked = {"request_id": request.request_id, "tenant": request.tenant}
        principal = await self._auditor(context, request.tenant, "get", lambda _: asked)
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
        _checked(request.filter)
        csv = request.format == audit_pb2.EXPORT_FORMAT_CSV

        def asked(tenant: str) -> dict[str, Any]:
            detail = _detail(request.filter, tenant, self._pseudonyms)
            return {**detail, "format": "csv" if csv else "jsonl"}

        principal = await self._auditor(context, request.filter.tenant, "export", asked)
        query = _query(request.filter, principal.tenant, MAX_PAGE_SIZE, self._pseudonyms)
        total = await self._reader.count(query)
        detail = asked(principal.tenant)
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
        filter_text("tenant", request.tenant)
        from_seq = seq_bound("from_seq", request.from_seq)
        to_seq = seq_bound("to_seq", request.to_seq)
        asked = {"from_seq": request.from_seq, "to_seq": request.to_seq, "tenant": request.tenant}
        principal = await self._auditor(context, request.tenant, "verify", lambda _: asked)
        async with self._reader.scoped(principal.tenant) as conn:
            report = await verify_chain(
                conn, principal.tenant, self._verifier, from_seq=from_seq, to_seq=to_seq
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
