"""API keys issued at run time: stored by SHA-256 only, with their lifecycle.

A key has a stable id (it names the key in audit records) and one or more
generations: rotating a key issues a new secret under the same id and lets
the old generation work until its grace period ends. Expiring sets when a
key stops working; revoking stops every generation at once. Ids are never
reused, so an id in an old audit record always means the same key.

Every change also goes to the change feed with the hashes it affects: that
is how gateways drop a revoked key from their caches within the propagation
bound, not only when the cache entry times out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from modelgw.common.errors import FailedPrecondition, NotFound
from modelgw.control.store import Change, ControlStore, aware
from modelgw.control.tables import api_keys


@dataclass(frozen=True, slots=True)
class StoredKey:
    tenant: str
    key_id: str
    generation: int
    sha256: str
    roles: frozenset[str]
    created_at: datetime
    created_by: str
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.expires_at is None or self.expires_at > now

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None and self.revoked_at <= now:
            return "revoked"
        if self.expires_at is not None:
            return "expiring" if self.expires_at > now else "expired"
        return "active"


def _key_from_row(row: Any) -> StoredKey:
    return StoredKey(
        tenant=row.tenant,
        key_id=row.key_id,
        generation=row.generation,
        sha256=row.sha256,
        roles=frozenset(r for r in row.roles.split(",") if r),
        created_at=aware(row.created_at),
        created_by=row.created_by,
        expires_at=aware(row.expires_at) if row.expires_at else None,
        revoked_at=aware(row.revoked_at) if row.revoked_at else None,
    )


class KeyStore:
    def __init__(self, store: ControlStore) -> None:
        self._store = store

    async def resolve(self, sha256: str) -> StoredKey | None:
        async with self._store.engine.connect() as conn:
            row = (await conn.execute(select(api_keys).where(api_keys.c.sha256 == sha256))).first()
        return _key_from_row(row) if row else None

    async def of_tenant(self, tenant: str, conn: AsyncConnection | None = None) -> list[StoredKey]:
        query = (
            select(api_keys)
            .where(api_keys.c.tenant == tenant)
            .order_by(api_keys.c.key_id, api_keys.c.generation)
        )
        if conn is not None:
            return [_key_from_row(r) for r in await conn.execute(query)]
        async with self._store.engine.connect() as own:
            return [_key_from_row(r) for r in await own.execute(query)]

    async def _generations(
        self, conn: AsyncConnection, tenant: str, key_id: str
    ) -> list[StoredKey]:
        return [k for k in await self.of_tenant(tenant, conn) if k.key_id == key_id]

    async def create(
        self,
        tenant: str,
        key_id: str,
        sha256: str,
        roles: Sequence[str],
        *,
        at: datetime,
        actor: str,
        message: str,
        expires_at: datetime | None = None,
    ) -> tuple[StoredKey, Change]:
        async with self._store.writing() as conn:
            if await self._generations(conn, tenant, key_id):
                raise FailedPrecondition(
                    f"tenant {tenant!r} already has (or had) a key {key_id!r}; key ids are "
                    "never reused, so audit records keep meaning one key: choose another id"
                )
            key = StoredKey(tenant, key_id, 1, sha256, frozenset(roles), at, actor, expires_at)
            await self._insert(conn, key)
            change = await self._changed(conn, key, "key.create", at, actor, message, (sha256,))
            return key, change

    async def rotate(
        self,
        tenant: str,
        key_id: str,
        sha256: str,
        *,
        at: datetime,
        old_until: datetime,
        actor: str,
        message: str,
    ) -> tuple[StoredKey, Change]:
        """A new generation; every valid older one now ends at `old_until` (or earlier)."""
        async with self._store.writing() as conn:
            generations = await self._live(conn, tenant, key_id, at)
            latest = generations[-1]
            cut = []
            for old in generations:
                if old.expires_at is None or old.expires_at > old_until:
                    await self._set(conn, old, expires_at=old_until)
                    cut.append(old)
            key = StoredKey(
                tenant,
                key_id,
                latest.generation + 1,
                sha256,
                latest.roles,
                at,
                actor,
                latest.expires_at if latest.expires_at and latest.expires_at > at else None,
            )
            await self._insert(conn, key)
            hashes = (sha256, *(k.sha256 for k in cut))
            change = await self._changed(conn, key, "key.rotate", at, actor, message, hashes)
            return key, change

    async def expire(
        self, tenant: str, key_id: str, *, at: datetime, when: datetime, actor: str, message: str
    ) -> tuple[list[StoredKey], Change]:
        """Every valid generation stops at `when` (now or later)."""
        async with self._store.writing() as conn:
            generations = await self._live(conn, tenant, key_id, at)
            for key in generations:
                if key.expires_at is None or key.expires_at > when:
                    await self._set(conn, key, expires_at=when)
            hashes = tuple(k.sha256 for k in generations)
            last = generations[-1]
            change = await self._changed(conn, last, "key.expire", at, actor, message, hashes)
            return await self._generations(conn, tenant, key_id), change

    async def revoke(
        self, tenant: str, key_id: str, *, at: datetime, actor: str, message: str
    ) -> tuple[list[StoredKey], Change]:
        async with self._store.writing() as conn:
            generations = await self._generations(conn, tenant, key_id)
            if not generations:
                raise NotFound(f"tenant {tenant!r} has no key {key_id!r}")
            live = [k for k in generations if k.revoked_at is None]
            for key in live:
                await self._set(conn, key, revoked_at=at)
            hashes = tuple(k.sha256 for k in live)
            last = generations[-1]
            change = await self._changed(conn, last, "key.revoke", at, actor, message, hashes)
            return await self._generations(conn, tenant, key_id), change

    async def count_valid(self, at: datetime) -> dict[str, int]:
        """Valid keys per tenant (for listings)."""
        query = (
            select(api_keys.c.tenant, func.count())
            .where(api_keys.c.revoked_at.is_(None))
            .where((api_keys.c.expires_at.is_(None)) | (api_keys.c.expires_at > at))
            .group_by(api_keys.c.tenant)
        )
        async with self._store.engine.connect() as conn:
            return {row[0]: int(row[1]) for row in await conn.execute(query)}

    # -- pieces ------------------------------------------------------------------------------
    async def _live(
        self, conn: AsyncConnection, tenant: str, key_id: str, at: datetime
    ) -> list[StoredKey]:
        generations = await self._generations(conn, tenant, key_id)
        if not generations:
            raise NotFound(f"tenant {tenant!r} has no key {key_id!r}")
        live = [k for k in generations if k.valid_at(at)]
        if not live:
            raise FailedPrecondition(
                f"key {key_id!r} of tenant {tenant!r} is already expired or revoked"
            )
        return live

    @staticmethod
    async def _insert(conn: AsyncConnection, key: StoredKey) -> None:
        await conn.execute(
            insert(api_keys).values(
                tenant=key.tenant,
                key_id=key.key_id,
                generation=key.generation,
                sha256=key.sha256,
                roles=",".join(sorted(key.roles)),
                created_at=key.created_at,
                created_by=key.created_by,
                expires_at=key.expires_at,
                revoked_at=key.revoked_at,
            )
        )

    @staticmethod
    async def _set(conn: AsyncConnection, key: StoredKey, **values: datetime) -> None:
        await conn.execute(update(api_keys).where(api_keys.c.sha256 == key.sha256).values(**values))

    async def _changed(
        self,
        conn: AsyncConnection,
        key: StoredKey,
        kind: str,
        at: datetime,
        actor: str,
        message: str,
        hashes: tuple[str, ...],
    ) -> Change:
        change = Change(
            0, at, key.tenant, kind, actor, message, key_id=key.key_id, key_hashes=hashes
        )
        return await self._store.add_change(conn, change)
