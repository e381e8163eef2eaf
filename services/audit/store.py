"""Audit storage over SQLAlchemy async: SQLite for the embedded default, Postgres in production.

The store writes what it is given; ids and timestamps are decided by the
pipeline. `append` chains each tenant's records (seq, prev_hash, record_hash)
under a per-tenant lock, skips request ids it already holds (a replayed batch
never duplicates a record), and sends a record Postgres rejects to the
dead-letter table instead of losing the batch with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from modelgw.audit.chain import GENESIS_HASH, record_hash
from modelgw.audit.checkpoints import PURGE
from modelgw.audit.crypto import RawContentUnreadable, TenantKeys
from modelgw.audit.migrate import current_revision, migrate
from modelgw.audit.raw import RawVault
from modelgw.audit.records import AuditRecord
from modelgw.audit.rows import row_from_record
from modelgw.audit.tables import audit_checkpoints, audit_dead_letters, audit_records
from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.errors import FailedPrecondition
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger(__name__)

HEAD_REVISION = "0002"


def database_url(config: AuditConfig) -> str:
    """The configured URL with the password (from its secret reference) filled in."""
    url = make_url(config.url)
    if config.password:
        url = url.set(password=resolve_secret(config.password))
    return url.render_as_string(hide_password=False)


def is_connection_error(exc: BaseException) -> bool:
    """Whether a database error means "cannot reach the database" rather than "bad record"."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


@dataclass(frozen=True, slots=True)
class AppendResult:
    stored: int = 0
    duplicates: int = 0
    dead_lettered: int = 0


class AuditStore:
    def __init__(self, engine: AsyncEngine, keys: TenantKeys | None = None) -> None:
        self.engine = engine
        self._raw = RawVault(keys or TenantKeys({}))
        # One writer per tenant chain in this process; Postgres advisory locks cover
        # other processes.
        self._write_lock = asyncio.Lock()

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @classmethod
    def from_config(cls, config: AuditConfig) -> AuditStore:
        url = make_url(config.url)
        if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(database_url(config), pool_pre_ping=True)
        return cls(engine, TenantKeys.from_config(config.raw_content))

    async def open_schema(self, *, migrate_now: bool, tenants: Sequence[str] = ()) -> None:
        """Migrate (SQLite always; Postgres if allowed), else check the schema is current."""
        if migrate_now or not self.postgres:
            await migrate(self.engine, tenants)
            return
        revision = await current_revision(self.engine)
        if revision != HEAD_REVISION:
            raise FailedPrecondition(
                f"audit schema is at {revision or 'nothing'}, expected {HEAD_REVISION}: "
                "run `modelgw audit migrate --config FILE` as the schema owner"
            )

    async def create_schema(self) -> None:
        """The embedded default's schema (migrations without auditor scopes)."""
        await migrate(self.engine)

    # -- ingest ---------------------------------------------------------------------------
    async def append(self, records: Sequence[AuditRecord]) -> AppendResult:
        """Store records; duplicates (same tenant and request id) are ignored, not errors."""
        if not records:
            return AppendResult()
        by_tenant: dict[str, list[AuditRecord]] = {}
        for record in records:
            by_tenant.setdefault(record.tenant, []).append(record)
        stored = duplicates = dead = 0
        async with self._write_lock, self.engine.begin() as conn:
            for tenant in sorted(by_tenant):
                s, d, x = await self._append_tenant(conn, tenant, by_tenant[tenant])
                stored, duplicates, dead = stored + s, duplicates + d, dead + x
        return AppendResult(stored, duplicates, dead)

    async def _append_tenant(
        self, conn: AsyncConnection, tenant: str, records: list[AuditRecord]
    ) -> tuple[int, int, int]:
        c = audit_records.c
        if self.postgres:
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('modelgw.audit:' || :t))"),
                {"t": tenant},
            )
        ids = list({r.request_id for r in records})
        present = set(
            (
                await conn.execute(
                    select(c.request_id).where(c.tenant == tenant, c.request_id.in_(ids))
                )
            ).scalars()
        )
        fresh: list[AuditRecord] = []
        for record in records:
            if record.request_id not in present:
                present.add(record.request_id)
                fresh.append(record)
        duplicates = len(records) - len(fresh)
        head = (
            await conn.execute(
                select(c.seq, c.record_hash)
                .where(c.tenant == tenant)
                .order_by(c.seq.desc())
                .limit(1)
            )
        ).first()
        if head is None:
            head = await self._purge_anchor(conn, tenant)
        seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
        rows: list[dict[str, Any]] = []
        rejected: list[tuple[AuditRecord, str]] = []
        for record in fresh:
            try:
                row = await self._row(conn, record)
            except RawContentUnreadable as exc:
                rejected.append((record, exc.message))
                continue
            seq, prev = _chain(row, seq + 1, prev)
            rows.append(row)
        if rows:
            try:
                async with conn.begin_nested():
                    await conn.execute(insert(audit_records), rows)
                return len(rows), duplicates, await self._dead_letter(conn, rejected)
            except DBAPIError as exc:
                if is_connection_error(exc):
                    raise
                log.warning("audit batch for %s rejected; storing record by record", tenant)
        stored, seq, prev = 0, (head[0] if head else 0), (head[1] if head else GENESIS_HASH)
        for row, record in zip(rows, fresh_without(fresh, rejected), strict=True):
            next_seq, next_prev = _chain(row, seq + 1, prev)
            try:
                async with conn.begin_nested():
                    await conn.execute(insert(audit_records), [row])
            except DBAPIError as exc:
                if is_connection_error(exc):
                    raise
                rejected.append((record, f"{type(exc.orig).__name__}: {exc.orig}"[:2000]))
                continue
            seq, prev, stored = next_seq, next_prev, stored + 1
        return stored, duplicates, await self._dead_letter(conn, rejected)

    async def _purge_anchor(self, conn: AsyncConnection, tenant: str) -> Any:
        """After retention purged a whole chain, it continues from the purge anchor."""
        k = audit_checkpoints.c
        return (
            await conn.execute(
                select(k.seq, k.record_hash)
                .where(k.tenant == tenant, k.kind == PURGE)
                .order_by(k.seq.desc())
                .limit(1)
            )
        ).first()

    async def _row(self, conn: AsyncConnection, record: AuditRecord) -> dict[str, Any]:
        row = row_from_record(record)
        row["raw_key_id"], row["raw_ciphertext"] = "", None
        if record.sealed_raw:
            row["raw_key_id"], row["raw_ciphertext"] = await self._raw.encrypt_for_store(
                conn, record
            )
        return row

    async def _dead_letter(
        self, conn: AsyncConnection, rejected: list[tuple[AuditRecord, str]]
    ) -> int:
        if not rejected:
            return 0
        from modelgw.audit.convert import record_to_pb

        now = datetime.now(UTC)
        await conn.execute(
            insert(audit_dead_letters),
            [
                {
                    "tenant": r.tenant,
                    "request_id": r.request_id,
                    "received_at": now,
                    "error": reason,
                    "payload": record_to_pb(r).SerializeToString(),
                }
                for r, reason in rejected
            ],
        )
        for record, reason in rejected:
            log.error(
                "audit record %s/%s dead-lettered: %s", record.tenant, record.request_id, reason
            )
        return len(rejected)

    async def dead_letter_count(self) -> int:
        async with self.engine.connect() as conn:
            return int((await conn.execute(select(func.count(audit_dead_letters.c.id)))).scalar())

    @property
    def raw(self) -> RawVault:
        return self._raw

    async def close(self) -> None:
        await self.engine.dispose()


def _chain(row: dict[str, Any], seq: int, prev: str) -> tuple[int, str]:
    row["seq"], row["prev_hash"] = seq, prev
    row["record_hash"] = record_hash(row)
    return seq, row["record_hash"]


def fresh_without(
    fresh: list[AuditRecord], rejected: list[tuple[AuditRecord, str]]
) -> list[AuditRecord]:
    dropped = {id(r) for r, _ in rejected}
    return [r for r in fresh if id(r) not in dropped]
