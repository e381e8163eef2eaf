"""Audit storage over SQLAlchemy async: SQLite for the embedded default, Postgres in production.

The store writes what it is given; ids and timestamps are decided by the
pipeline. Inserts are idempotent on (tenant, request_id) so a replayed batch
never duplicates a record.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from modelgw.audit.records import AuditPage, AuditQuery, AuditRecord
from modelgw.audit.rows import record_from_row, row_from_record
from modelgw.audit.tables import audit_records, metadata
from modelgw.common.config.schema import AuditConfig
from modelgw.common.config.secrets import resolve_secret
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MAX_PAGE_SIZE = 1000


def database_url(config: AuditConfig) -> str:
    """The configured URL with the password (from its secret reference) filled in."""
    url = make_url(config.url)
    if config.password:
        url = url.set(password=resolve_secret(config.password))
    return url.render_as_string(hide_password=False)


class AuditStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @classmethod
    def from_config(cls, config: AuditConfig) -> AuditStore:
        url = make_url(config.url)
        if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return cls(create_async_engine(database_url(config), pool_pre_ping=True))

    async def create_schema(self) -> None:
        """Create the table if missing (the embedded default; Postgres uses migrations later)."""
        async with self._engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def append(self, records: Sequence[AuditRecord]) -> tuple[int, int]:
        """Store records; returns (stored, duplicates). Duplicates are ignored, not errors."""
        if not records:
            return 0, 0
        rows: list[dict[str, Any]] = [row_from_record(r) for r in records]
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(audit_records)
            .on_conflict_do_nothing(index_elements=["tenant", "request_id"])
            .returning(audit_records.c.id)
        )
        async with self._engine.begin() as conn:
            stored = 0
            for row in rows:
                result = await conn.execute(statement, row)
                stored += len(result.fetchall())
        return stored, len(rows) - stored

    async def query(self, query: AuditQuery) -> AuditPage:
        size = max(1, min(query.page_size, MAX_PAGE_SIZE))
        c = audit_records.c
        statement = select(audit_records).where(c.tenant == query.tenant)
        if query.since is not None:
            statement = statement.where(c.started_at >= query.since)
        if query.until is not None:
            statement = statement.where(c.started_at < query.until)
        if query.end_user:
            statement = statement.where(c.end_user == query.end_user)
        if query.model:
            statement = statement.where(c.model == query.model)
        if query.after_id is not None:
            statement = statement.where(c.id > query.after_id)
        statement = statement.order_by(c.id).limit(size + 1)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).mappings().all()
        page = rows[:size]
        next_cursor = page[-1]["id"] if len(rows) > size else None
        return AuditPage([record_from_row(r) for r in page], next_cursor)

    async def get(self, tenant: str, request_id: str) -> AuditRecord | None:
        c = audit_records.c
        statement = select(audit_records).where(c.tenant == tenant, c.request_id == request_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(statement)).mappings().first()
        return record_from_row(row) if row else None

    async def close(self) -> None:
        await self._engine.dispose()
