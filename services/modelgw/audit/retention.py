"""Retention: purge a tenant's oldest records, unless a legal hold stops it.

A hold covers the whole tenant, or only one end user's records and/or a time
range (by `started_at`). A purge removes a contiguous prefix of the chain
(seq 1..N), so it stops before the oldest record any active hold covers. It
first writes a signed `purge` checkpoint with record N's hash, so `verify`
starts the remaining chain from that anchor and it still verifies. Runs as
the schema owner: the only role with DELETE, and it must also set
`modelgw.audit_purge` for the append-only trigger to let the delete through.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from modelgw.audit.checkpoints import PURGE, Signer
from modelgw.audit.pseudonyms import PREFIX, Pseudonyms, is_pseudonym
from modelgw.audit.tables import audit_legal_holds, audit_records
from modelgw.common.errors import FailedPrecondition, InvalidArgument


@dataclass(frozen=True, slots=True)
class PurgeResult:
    tenant: str
    purged: int
    through_seq: int
    held: bool = False
    """A hold on the whole tenant stopped the purge."""
    held_from_seq: int | None = None
    """A scoped hold covers this record (the oldest it covers): the purge stopped before it."""


@dataclass(frozen=True, slots=True)
class HoldScope:
    """What a legal hold keeps; every field None: the whole tenant."""

    end_user: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def whole_tenant(self) -> bool:
        return self.end_user is None and self.since is None and self.until is None


async def place_hold(
    engine: AsyncEngine,
    tenant: str,
    reason: str,
    scope: HoldScope | None = None,
    pseudonyms: Pseudonyms | None = None,
) -> int:
    """Place a hold; with `pseudonyms`, an end user is kept as its pseudonym (never clear)."""
    scope = scope or HoldScope()
    if scope.since and scope.until and scope.since >= scope.until:
        raise InvalidArgument("a legal hold's since must be before its until")
    if pseudonyms is not None and scope.end_user:
        scope = replace(scope, end_user=pseudonyms.of(tenant, "end_user", scope.end_user))
    async with engine.begin() as conn:
        result = await conn.execute(
            insert(audit_legal_holds)
            .values(
                tenant=tenant,
                reason=reason,
                created_at=datetime.now(UTC),
                end_user=scope.end_user,
                since=scope.since,
                until=scope.until,
            )
            .returning(audit_legal_holds.c.id)
        )
        return int(result.scalar_one())


async def _end_user_forms(
    conn: AsyncConnection, tenant: str, held: str, pseudonyms: Pseudonyms | None
) -> list[str]:
    """The stored values of the end user a hold names (see `Pseudonyms.end_user_forms`).

    A hold placed before pseudonymisation names the clear value: its forms are that and
    its pseudonym. A hold placed since names the pseudonym: its forms are that and every
    clear value of the tenant's older records that hashes to it.
    """
    if pseudonyms is None:
        return [held]
    if not is_pseudonym(held):
        return list(pseudonyms.end_user_forms(tenant, held))
    c = audit_records.c
    clear = await conn.execute(
        select(c.end_user)
        .where(c.tenant == tenant, c.end_user != "", c.end_user.not_like(f"{PREFIX}%"))
        .distinct()
    )
    return [held] + [
        value for (value,) in clear if pseudonyms.of(tenant, "end_user", value) == held
    ]


async def _first_held_seq(
    conn: AsyncConnection, tenant: str, pseudonyms: Pseudonyms | None
) -> tuple[bool, int | None]:
    """(whole tenant held, oldest seq a scoped hold covers) over the active holds."""
    c, h = audit_records.c, audit_legal_holds.c
    holds = (
        await conn.execute(
            select(h.end_user, h.since, h.until).where(h.tenant == tenant, h.released_at.is_(None))
        )
    ).all()
    scopes = [HoldScope(*row) for row in holds]
    if any(scope.whole_tenant for scope in scopes):
        return True, None
    if not scopes:
        return False, None
    covered = []
    for scope in scopes:
        condition = [c.tenant == tenant]
        if scope.end_user is not None:
            forms = await _end_user_forms(conn, tenant, scope.end_user, pseudonyms)
            condition.append(c.end_user.in_(forms))
        if scope.since is not None:
            condition.append(c.started_at >= scope.since)
        if scope.until is not None:
            condition.append(c.started_at < scope.until)
        covered.append(and_(*condition))
    first = (await conn.execute(select(func.min(c.seq)).where(or_(*covered)))).scalar()
    return False, first


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
    pseudonyms: Pseudonyms | None = None,
) -> PurgeResult:
    """Delete `tenant`'s records older than `retention_days`, keeping the chain verifiable.

    `pseudonyms` (the CLI always passes them) lets an end-user hold cover that user's
    records whether they hold the clear value (written before pseudonymisation) or the
    pseudonym; without, a hold matches only the value it stores.
    """
    if signer is None:
        raise FailedPrecondition(
            "purging needs audit.signing_key: the purge anchor must be signed so the "
            "remaining chain stays verifiable"
        )
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    c = audit_records.c
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('modelgw.audit:' || :t))"),
                {"t": tenant},
            )
        whole_tenant, held_from = await _first_held_seq(conn, tenant, pseudonyms)
        if whole_tenant:
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
        if held_from is not None and held_from < first_kept:
            # The purge removes a prefix of the chain: it stops before the first held record.
            first_kept = held_from
        else:
            held_from = None
        through = first_kept - 1
        anchor = (
            await conn.execute(select(c.record_hash).where(c.tenant == tenant, c.seq == through))
        ).scalar()
        if anchor is None:
            return PurgeResult(tenant, 0, 0, held_from_seq=held_from)
        await signer.write(conn, tenant, PURGE, through, anchor)
        if engine.dialect.name == "postgresql":
            await conn.execute(text("SET LOCAL modelgw.audit_purge = 'on'"))
        result = await conn.execute(
            delete(audit_records).where(c.tenant == tenant, c.seq <= through)
        )
        return PurgeResult(tenant, result.rowcount, through, held_from_seq=held_from)
