"""Compliance reads: filters, keyset pagination, tenant scoping under row-level security.

On Postgres with the migrations applied, every read runs in a transaction
that has done `SET LOCAL ROLE <the tenant's auditor scope role>`, so the
database itself hides other tenants' rows: a missing `WHERE tenant = ...` in
Python (or a hand-written query in that session) still sees one tenant only.
On SQLite (embedded, single tenant in practice) the Python filter is the guard.
Every read is written to `audit_access_log`.
"""

from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from modelgw.audit.migrate import scope_hint
from modelgw.audit.records import AuditPage, AuditQuery, AuditRecord
from modelgw.audit.rows import record_from_row, set_pattern
from modelgw.audit.tables import audit_access_log, audit_auditor_scopes, audit_records
from modelgw.common.errors import FailedPrecondition, InvalidArgument

MAX_PAGE_SIZE = 1000
Cursor = tuple[datetime, int]


def encode_cursor(cursor: Cursor | None) -> str:
    if cursor is None:
        return ""
    raw = f"{cursor[0].astimezone(UTC).isoformat()}|{cursor[1]}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


MAX_TOKEN_CHARS = 128
_ROW_ID = re.compile(r"[0-9]{1,19}")


def decode_cursor(token: str) -> Cursor | None:
    """The position a `next_page_token` names; anything else is the caller's error.

    Strict, because the parts go into a query: an aware time and a row id that fits a
    `bigint` (a token edited to 2^64 must not reach Postgres as an overflow).
    """
    if not token:
        return None
    refused = InvalidArgument(
        "page_token is not one this service returned; send the next_page_token of the "
        "previous page unchanged, or none for the first page"
    )
    if len(token) > MAX_TOKEN_CHARS or not token.isascii():
        raise refused
    try:
        raw = base64.urlsafe_b64decode(token.encode()).decode("ascii")
        stamp, _, row_id = raw.partition("|")
        when = datetime.fromisoformat(stamp)
    except (ValueError, UnicodeDecodeError):
        raise refused from None
    if when.tzinfo is None or not _ROW_ID.fullmatch(row_id) or int(row_id) > 2**63 - 1:
        raise refused
    return when, int(row_id)


def _filtered(query: AuditQuery) -> Select[Any]:
    c = audit_records.c
    statement = select(audit_records).where(c.tenant == query.tenant)
    if query.since is not None:
        statement = statement.where(c.started_at >= query.since)
    if query.until is not None:
        statement = statement.where(c.started_at < query.until)
    if query.end_users:
        statement = statement.where(c.end_user.in_(query.end_users))
    if query.model:
        statement = statement.where(c.model == query.model)
    if query.client_request_id:
        statement = statement.where(c.client_request_id == query.client_request_id)
    if query.provider:
        statement = statement.where(
            or_(c.backend == query.provider, c.provider_type == query.provider)
        )
    if query.entity_type:
        statement = statement.where(c.entity_types.like(set_pattern(query.entity_type), "\\"))
    if query.decision:
        statement = statement.where(
            or_(
                c.decision == query.decision,
                c.policy_decisions.like(set_pattern(query.decision), "\\"),
            )
        )
    if query.status:
        statement = statement.where(c.status == query.status)
    return statement


class AuditReader:
    """Read side of the audit log for one database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._rls: bool | None = None
        self._roles: dict[str, str] = {}

    async def _uses_rls(self, conn: AsyncConnection) -> bool:
        if self._rls is None:
            if conn.dialect.name != "postgresql":
                self._rls = False
            else:
                found = await conn.execute(
                    text(
                        "SELECT relrowsecurity FROM pg_class WHERE oid = 'audit_records'::regclass"
                    )
                )
                self._rls = bool(found.scalar())
        return self._rls

    @contextlib.asynccontextmanager
    async def scoped(self, tenant: str) -> AsyncIterator[AsyncConnection]:
        """A read transaction that the database confines to `tenant` (where RLS exists)."""
        async with self._engine.begin() as conn:
            if await self._uses_rls(conn):
                role = self._roles.get(tenant) or await self._scope_role(conn, tenant)
                await conn.execute(text(f'SET LOCAL ROLE "{role}"'))
            yield conn

    async def _scope_role(self, conn: AsyncConnection, tenant: str) -> str:
        scopes = audit_auditor_scopes.c
        role = (
            await conn.execute(select(scopes.role_name).where(scopes.tenant == tenant))
        ).scalar()
        if role is None:
            raise FailedPrecondition(
                f"tenant {tenant!r} has no auditor scope role in the audit database yet, so "
                f"its records cannot be read: {scope_hint([tenant])}"
            )
        self._roles[tenant] = role  # scopes are only ever added, never moved
        return str(role)

    async def query(self, query: AuditQuery, after: Cursor | None = None) -> AuditPage:
        size = max(1, min(query.page_size, MAX_PAGE_SIZE))
        c = audit_records.c
        statement = _filtered(query)
        if after is not None:
            statement = statement.where(tuple_(c.started_at, c.id) > tuple_(*after))
        statement = statement.order_by(c.started_at, c.id).limit(size + 1)
        async with self.scoped(query.tenant) as conn:
            rows = (await conn.execute(statement)).mappings().all()
        page = rows[:size]
        cursor = (_aware(page[-1]["started_at"]), page[-1]["id"]) if len(rows) > size else None
        return AuditPage([record_from_row(r) for r in page], cursor)

    async def count(self, query: AuditQuery) -> int:
        statement = select(func.count()).select_from(_filtered(query).subquery())
        async with self.scoped(query.tenant) as conn:
            return int((await conn.execute(statement)).scalar() or 0)

    async def stream(self, query: AuditQuery, chunk: int = 500) -> AsyncIterator[list[AuditRecord]]:
        """Every matching record, in pages (each page its own short transaction)."""
        cursor: Cursor | None = None
        while True:
            page = await self.query(
                AuditQuery(**{**_fields(query), "page_size": chunk}), after=cursor
            )
            if page.records:
                yield page.records
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def get(self, tenant: str, request_id: str) -> AuditRecord | None:
        c = audit_records.c
        statement = select(audit_records).where(c.tenant == tenant, c.request_id == request_id)
        async with self.scoped(tenant) as conn:
            row = (await conn.execute(statement)).mappings().first()
        return record_from_row(row) if row else None

    async def log_access(
        self, tenant: str, api_key_id: str, action: str, detail: Mapping[str, Any], count: int
    ) -> None:
        """Record who read what: compliance reads are themselves audited."""
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(audit_access_log).values(
                    at=datetime.now(UTC),
                    tenant=tenant,
                    api_key_id=api_key_id,
                    action=action,
                    detail=dict(detail),
                    result_count=count,
                )
            )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _fields(query: AuditQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in query.__dataclass_fields__}
