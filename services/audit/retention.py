"""Retention: purge a tenant's oldest records, unless a legal hold stops it.

A purge removes a contiguous prefix of the chain (seq 1..N) and first writes
a signed `purge` checkpoint with record N's hash, so `verify` starts the
remaining chain from that anchor and it still verifies. Runs as the schema
owner: the only role with DELETE, and it must also set `modelgw.audit_purge`
for the append-only trigger to let the delete through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from modelgw.audit.checkpoints import PURGE, Signer
from modelgw.audit.tables import audit_legal_holds, audit_records
from modelgw.common.errors import FailedPrecondition
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True, slots=True)
class PurgeResult:
    tenant: str
    purged: int
    through_seq: int
    held: bool = False


async def place_hold(engine: AsyncEngine, tenant: str, reason: str) -> int:
    async with engine.begin() as conn:
        result = await conn.execute(
            insert(audit_legal_holds)
            .values(tenant=tenant, reason=reason, created_at=datetime.now(UTC))
            .returning(audit_legal_holds.c.id)
        )
        return int(result.scalar_one())


async def release_hold(engine: AsyncEngine, hold_id: int) -> bool:
    h = audit_legal_holds.c
    async with engine.begin() as conn:
        result = await conn.execute(
            update(audit_legal_holds)
            .where(h.id == hold_id, h.released_at.is_(None))
            .values(released_at=datetime.now(UTC))
        )
        return result.rowcount == 1


async def purge(
    engine: AsyncEngine,
    tenant: str,
    retention_days: int,
    signer: Signer | None,
    now: datetime | None = None,
) -> PurgeResult:
    """Delete `tenant`'s records older than `retention_days`, keeping the chain verifiable."""
    if signer is None:
        raise FailedPrecondition(
            "purging needs audit.signing_key: the purge anchor must be signed so the "
            "remaining chain stays verifiable"
        )
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    c, h = audit_records.c, audit_legal_holds.c
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('modelgw.audit:' || :t))"),
                {"t": tenant},
            )
        held = (
            await conn.execute(
                select(func.count()).where(h.tenant == tenant, h.released_at.is_(None))
            )
        ).scalar()
        if held:
            return PurgeResult(tenant, 0, 0, held=True)
        first_kept = (
            await conn.execute(
                select(func.min(c.seq)).where(c.tenant == tenant, c.started_at >= cutoff)
            )
        ).scalar()
        if first_kept is None:
            first_kept = (
                await conn.execute(select(func.max(c.seq)).where(c.tenant == tenant))
            ).scalar()
            first_kept = (first_kept or 0) + 1
        through = first_kept - 1
        anchor = (
            await conn.execute(select(c.record_hash).where(c.tenant == tenant, c.seq == through))
        ).scalar()
        if anchor is None:
            return PurgeResult(tenant, 0, 0)
        await signer.write(conn, tenant, PURGE, through, anchor)
        if engine.dialect.name == "postgresql":
            await conn.execute(text("SET LOCAL modelgw.audit_purge = 'on'"))
        result = await conn.execute(
            delete(audit_records).where(c.tenant == tenant, c.seq <= through)
        )
        return PurgeResult(tenant, result.rowcount, through)
