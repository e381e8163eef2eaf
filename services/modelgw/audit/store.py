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

from sqlalchemy import bindparam, func, insert, select, text, tuple_
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from modelgw.audit.bulk import RowRejected, insert_rows
from modelgw.audit.chain import GENESIS_HASH, record_hash
from modelgw.audit.checkpoints import PURGE
from modelgw.audit.crypto import RawContentUnreadable, TenantKeys
from modelgw.audit.migrate import current_revision, migrate, missing_scopes, scope_hint
from modelgw.audit.pacing import AT_ONCE, Pacing
from modelgw.audit.raw import RawVault
from modelgw.audit.records import AuditRecord
from modelgw.audit.rows import content_fingerprint, record_from_row, row_from_record
from modelgw.audit.tables import audit_checkpoints, audit_dead_letters, audit_records
from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.db_engine import store_engine
from modelgw.common.db_errors import is_connection_error
from modelgw.common.errors import FailedPrecondition

log = logging.getLogger(__name__)

HEAD_REVISION = "0005"

# The statements of every append, built once: building a statement and computing its cache
# key cost more than executing it on SQLite (Postgres uses asyncpg calls of its own).
_c = audit_records.c
_STORED_IDS = select(_c.tenant, _c.request_id).where(
    _c.tenant.in_(bindparam("tenants", expanding=True)),
    _c.request_id.in_(bindparam("request_ids", expanding=True)),
)
_HEAD = (
    select(_c.seq, _c.record_hash)
    .where(_c.tenant == bindparam("tenant"))
    .order_by(_c.seq.desc())
    .limit(1)
)
_PURGE_ANCHOR = (
    select(audit_checkpoints.c.seq, audit_checkpoints.c.record_hash)
    .where(audit_checkpoints.c.tenant == bindparam("tenant"), audit_checkpoints.c.kind == PURGE)
    .order_by(audit_checkpoints.c.seq.desc())
    .limit(1)
)


def database_url(config: AuditConfig) -> str:
    """The configured URL with the password (from its secret reference) filled in."""
    url = make_url(config.url)
    if config.password:
        url = url.set(password=resolve_secret(config.password))
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class AppendResult:
    stored: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    refused: tuple[tuple[str, str], ...] = ()
    """(request id, reason) of records Postgres refused; only filled when they were not
    dead-lettered (`append(..., dead_letter=False)`, as a dead-letter replay does)."""


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
    def from_config(cls, config: AuditConfig, *, maintenance: bool = False) -> AuditStore:
        """`maintenance`: for the CLI, whose statements are not bounded by
        `statement_timeout_s` (see `store_engine`)."""
        url = make_url(config.url)
        if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = store_engine(database_url(config), config, maintenance=maintenance)
        return cls(engine, TenantKeys.from_config(config.raw_content))

    async def open_schema(self, *, migrate_now: bool, tenants: Sequence[str] = ()) -> None:
        """Migrate (SQLite always; Postgres if allowed), else check the schema is current."""
        if migrate_now or not self.postgres:
            await migrate(self.engine, tenants)  # also gives every tenant its auditor scope
            return
        revision = await current_revision(self.engine)
        if revision != HEAD_REVISION:
            raise FailedPrecondition(
                f"audit schema is at {revision or 'nothing'}, expected {HEAD_REVISION}: "
                "run `modelgw audit migrate --config FILE` as the schema owner"
            )
        missing = await missing_scopes(self.engine, tenants)
        if missing:
            # Ingest works for them; only their auditors' reads fail (closed) until then.
            log.warning(
                "tenants without an auditor scope role (their audit log cannot be queried "
                "yet): %s; %s",
                ", ".join(missing),
                scope_hint(missing),
            )

    # -- ingest ---------------------------------------------------------------------------
    async def append(
        self, records: Sequence[AuditRecord], *, dead_letter: bool = True, pacing: Pacing = AT_ONCE
    ) -> AppendResult:
        """Store records; duplicates (same tenant and request id) are ignored, not errors.

        A record Postgres refuses goes to the dead-letter table, or, with
        `dead_letter=False` (replaying a dead letter), is only reported in the result.

        One transaction and a handful of round trips per batch whatever the number of
        tenants in it: lock the tenants' chains, find known request ids and chain heads,
        hash, insert all rows at once. Only if Postgres rejects that insert does the
        batch go record by record, so the bad record can be dead-lettered.
        """
        if not records:
            return AppendResult()
        async with self._write_lock, self.engine.begin() as conn:
            tenants = sorted({r.tenant for r in records})
            if self.postgres:
                # Through SQLAlchemy, so this also opens the transaction the asyncpg calls
                # below run in. Custom plans only: a plan cached while the table was small
                # (seq scans) would otherwise be reused for every later batch.
                await conn.execute(
                    text(
                        "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                        "count(pg_advisory_xact_lock(hashtext('modelgw.audit:' || t))) "
                        "FROM unnest(CAST(:tenants AS text[])) AS t"
                    ),
                    {"tenants": tenants},
                )
            fresh = await self._unseen(conn, records)
            heads = await self._heads(conn, tenants)
            rows: list[dict[str, Any]] = []
            kept: list[AuditRecord] = []
            rejected = await self._differing_duplicates(conn, records, fresh)
            duplicates = len(records) - len(fresh) - len(rejected)
            chain = dict(heads)
            for index, record in enumerate(fresh, start=1):
                await pacing.after(index)  # the loop may serve requests too (`pacing`)
                try:
                    row = await self._row(conn, record)
                except RawContentUnreadable as exc:
                    rejected.append((record, exc.message))
                    continue
                chain[record.tenant] = _chain(row, *chain[record.tenant])
                rows.append(row)
                kept.append(record)
            if rows:
                try:
                    async with conn.begin_nested():
                        await insert_rows(conn, rows, pacing)
                    return await self._result(conn, len(rows), duplicates, rejected, dead_letter)
                except (RowRejected, DBAPIError) as exc:
                    if isinstance(exc, DBAPIError) and is_connection_error(exc):
                        raise
                    log.warning("audit batch rejected (%s); storing record by record", exc)
            stored = await self._one_by_one(conn, rows, kept, dict(heads), rejected)
            return await self._result(conn, stored, duplicates, rejected, dead_letter)

    async def _result(
        self,
        conn: AsyncConnection,
        stored: int,
        duplicates: int,
        rejected: list[tuple[AuditRecord, str]],
        dead_letter: bool,
    ) -> AppendResult:
        if dead_letter:
            return AppendResult(stored, duplicates, await self._dead_letter(conn, rejected))
        return AppendResult(
            stored, duplicates, refused=tuple((r.request_id, e) for r, e in rejected)
        )

    async def _unseen(
        self, conn: AsyncConnection, records: Sequence[AuditRecord]
    ) -> list[AuditRecord]:
        """The records whose (tenant, request id) is neither stored nor earlier in the batch."""
        if self.postgres:
            # (tenant, request id) pairs as two arrays joined against the unique index, one
            # parameter each (an IN list of 500 binds is slow to build and to plan).
            pairs = list({(r.tenant, r.request_id) for r in records})
            found = await (await _driver(conn)).fetch(
                "SELECT r.tenant, r.request_id FROM unnest($1::text[], $2::text[]) AS k(t, id) "
                "JOIN audit_records r ON r.tenant = k.t AND r.request_id = k.id",
                [p[0] for p in pairs],
                [p[1] for p in pairs],
            )
            present = {(row[0], row[1]) for row in found}
        else:
            found = await conn.execute(
                _STORED_IDS,
                {
                    "tenants": list({r.tenant for r in records}),
                    "request_ids": list({r.request_id for r in records}),
                },
            )
            present = {(t, rid) for t, rid in found.all()}
        fresh: list[AuditRecord] = []
        for record in records:
            key = (record.tenant, record.request_id)
            if key not in present:
                present.add(key)
                fresh.append(record)
        return fresh

    async def _differing_duplicates(
        self, conn: AsyncConnection, records: Sequence[AuditRecord], fresh: list[AuditRecord]
    ) -> list[tuple[AuditRecord, str]]:
        """Duplicates whose content differs from the record already under their id.

        A re-delivery (the spool sends again what was not acknowledged) is the same record
        and is skipped. Another record under a taken id cannot be stored, and must not be
        lost quietly either: it goes to the dead letters with an alert.
        """
        kept = {id(r) for r in fresh}
        duplicates = [r for r in records if id(r) not in kept]
        if not duplicates:
            return []
        first: dict[tuple[str, str], str] = {
            (r.tenant, r.request_id): content_fingerprint(r) for r in fresh
        }
        wanted = {(r.tenant, r.request_id) for r in duplicates} - set(first)
        if wanted:
            c = audit_records.c
            stored = await conn.execute(
                select(audit_records).where(tuple_(c.tenant, c.request_id).in_(list(wanted)))
            )
            for row in stored.mappings():
                record = record_from_row(row)
                first[(record.tenant, record.request_id)] = content_fingerprint(record)
        differing = [
            (r, "another record is already stored under this request id; both are kept")
            for r in duplicates
            if first.get((r.tenant, r.request_id)) != content_fingerprint(r)
        ]
        for record, _ in differing:
            log.error(
                "ALERT audit record %s/%s differs from the record stored under its id: "
                "dead-lettered",
                record.tenant,
                record.request_id,
            )
        return differing

    async def _heads(self, conn: AsyncConnection, tenants: list[str]) -> dict[str, tuple[int, str]]:
        """(seq, hash) of each tenant's last record; a new chain starts at (0, genesis).

        One backward index probe per tenant (never a scan of the tenant's records).
        """
        heads: dict[str, tuple[int, str]] = {}
        if self.postgres:
            found = await (await _driver(conn)).fetch(
                "SELECT t.tenant, h.seq, h.record_hash FROM unnest($1::text[]) AS t(tenant) "
                "JOIN LATERAL (SELECT seq, record_hash FROM audit_records r "
                "WHERE r.tenant = t.tenant ORDER BY seq DESC LIMIT 1) h ON true",
                tenants,
            )
            heads = {row[0]: (row[1], row[2]) for row in found}
        else:
            for tenant in tenants:
                head = (await conn.execute(_HEAD, {"tenant": tenant})).first()
                if head is not None:
                    heads[tenant] = (head[0], head[1])
        for tenant in tenants:
            if tenant not in heads:
                anchor = await self._purge_anchor(conn, tenant)
                heads[tenant] = (anchor[0], anchor[1]) if anchor else (0, GENESIS_HASH)
        return heads

    async def _one_by_one(
        self,
        conn: AsyncConnection,
        rows: list[dict[str, Any]],
        records: list[AuditRecord],
        chain: dict[str, tuple[int, str]],
        rejected: list[tuple[AuditRecord, str]],
    ) -> int:
        """Insert rows singly (each in a savepoint), re-chaining around the ones refused."""
        stored = 0
        for row, record in zip(rows, records, strict=True):
            before = chain[record.tenant]
            after = _chain(row, *before)
            try:
                async with conn.begin_nested():
                    await insert_rows(conn, [row])
            except RowRejected as exc:
                rejected.append((record, str(exc)))
                continue
            except DBAPIError as exc:
                if is_connection_error(exc):
                    raise
                rejected.append((record, f"{type(exc.orig).__name__}: {exc.orig}"[:2000]))
                continue
            chain[record.tenant] = after
            stored += 1
        return stored

    async def _purge_anchor(self, conn: AsyncConnection, tenant: str) -> Any:
        """After retention purged a whole chain, it continues from the purge anchor."""
        return (await conn.execute(_PURGE_ANCHOR, {"tenant": tenant})).first()

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
            return (await conn.execute(select(func.count(audit_dead_letters.c.id)))).scalar_one()

    @property
    def raw(self) -> RawVault:
        return self._raw

    async def close(self) -> None:
        await self.engine.dispose()


async def _driver(conn: AsyncConnection) -> Any:
    """The asyncpg connection under this SQLAlchemy connection.

    SQLAlchemy begins its transaction lazily, on its first statement: use this only
    after one, or the asyncpg call runs outside the transaction (and its locks).
    """
    return (await conn.get_raw_connection()).driver_connection


def _chain(row: dict[str, Any], head_seq: int, head_hash: str) -> tuple[int, str]:
    """Link `row` after the head (seq, hash); returns the new head."""
    row["seq"], row["prev_hash"] = head_seq + 1, head_hash
    row["record_hash"] = record_hash(row)
    return row["seq"], row["record_hash"]
