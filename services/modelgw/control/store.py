"""The control store: tenant versions and the change feed, over SQLAlchemy async.

SQLite for one process (in memory by default, or a file), Postgres when
several gateways follow one control plane. Writes are serialised (a lock in
this process, an advisory lock across processes) so change ids commit in the
order they were given and a follower reading "changes after N" can never skip
one that commits late. Each write appends to the change feed in the same
transaction and, on Postgres, notifies listeners on commit.

The store writes what it is given: whether an apply makes a version at all,
and who may ask, is decided by `modelgw.control.plane`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from modelgw.common.config.control import ControlConfig
from modelgw.common.config.database import DatabaseTimeouts
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.db_engine import store_engine
from modelgw.common.errors import FailedPrecondition
from modelgw.control.documents import TenantDocument
from modelgw.control.doorbell import Doorbell
from modelgw.control.listener import CHANNEL, PgListener
from modelgw.control.migrate import HEAD_REVISION, current_revision, migrate
from modelgw.control.records import (
    Change,
    FeedUpdate,
    TenantVersion,
    aware,
    change_from_row,
    version_from_row,
)
from modelgw.control.tables import changes, tenant_versions

__all__ = ["Change", "ControlStore", "FeedUpdate", "TenantVersion", "aware"]

_WRITE_LOCK = 0x6D67_6374_6C77  # any fixed number: one control writer at a time
FEED_PAGE = 1000
"""Most changes one feed read returns; a follower further behind reloads every tenant."""


def database_url(config: ControlConfig) -> str:
    url = make_url(config.url)
    if config.password:
        url = url.set(password=resolve_secret(config.password))
    return url.render_as_string(hide_password=False)


class ControlStore:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        listen_dsn: str | None = None,
        ephemeral: bool = False,
        timeouts: DatabaseTimeouts | None = None,
    ) -> None:
        self.engine = engine
        self.ephemeral = ephemeral
        """In memory: its history ends with the process (the config file is the record)."""
        self.doorbell = Doorbell()
        self._lock = asyncio.Lock()
        self._listener = (
            PgListener(listen_dsn, self.doorbell, timeouts=timeouts or DatabaseTimeouts())
            if listen_dsn
            else None
        )

    @classmethod
    def from_config(cls, config: ControlConfig, *, maintenance: bool = False) -> ControlStore:
        """`maintenance`: for `modelgw control migrate`, unbounded by `statement_timeout_s`."""
        url = make_url(config.url)
        if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        full = database_url(config)
        engine = store_engine(full, config, maintenance=maintenance)
        listen = None
        if url.drivername.startswith("postgresql"):
            listen = make_url(full).set(drivername="postgresql").render_as_string(False)
        memory = url.drivername.startswith("sqlite") and url.database in {None, "", ":memory:"}
        return cls(engine, listen_dsn=listen, ephemeral=memory, timeouts=config)

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def listener(self) -> PgListener | None:
        return self._listener

    async def open(self, *, migrate_now: bool = True) -> None:
        """Migrate (SQLite always; Postgres if allowed) or check the schema; start listening."""
        if migrate_now or not self.postgres:
            await migrate(self.engine)
        else:
            revision = await current_revision(self.engine)
            if revision != HEAD_REVISION:
                raise FailedPrecondition(
                    f"control schema is at {revision or 'nothing'}, expected {HEAD_REVISION}: "
                    "run `modelgw control migrate --config FILE` as the schema owner"
                )
        if self._listener is not None:
            self._listener.start()

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
        await self.engine.dispose()

    # -- writing ---------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """One serialised write transaction; followers are woken after it commits."""
        async with self._lock:
            async with self.engine.begin() as conn:
                if self.postgres:
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK})
                yield conn
            self.doorbell.ring()

    async def add_change(self, conn: AsyncConnection, change: Change) -> Change:
        """Append to the feed (in the writer's transaction); Postgres notifies on commit."""
        result = await conn.execute(
            insert(changes).values(
                at=change.at,
                tenant=change.tenant,
                kind=change.kind,
                version=change.version,
                key_id=change.key_id,
                key_hashes=",".join(change.key_hashes),
                actor=change.actor,
                message=change.message,
            )
        )
        change_id = int(result.inserted_primary_key[0])  # type: ignore[index]  # one-column key
        if self.postgres:
            await conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": str(change_id)},
            )
        return replace(change, id=change_id)

    async def add_version(
        self,
        conn: AsyncConnection,
        document: TenantDocument,
        *,
        source: str,
        actor: str,
        message: str,
        at: datetime,
        based_on: int | None = None,
    ) -> tuple[TenantVersion, Change]:
        """The next version of the tenant (in the writer's transaction) and its feed entry."""
        current = await self.current(document.tenant, conn)
        made = TenantVersion(
            tenant=document.tenant,
            version=(current.version if current else 0) + 1,
            document=document,
            source=source,
            created_at=at,
            created_by=actor,
            message=message,
            based_on=based_on,
        )
        await conn.execute(
            insert(tenant_versions).values(
                tenant=made.tenant,
                version=made.version,
                document=document.canonical(),
                digest=document.digest,
                source=source,
                based_on=based_on,
                created_at=at,
                created_by=actor,
                message=message,
            )
        )
        change = await self.add_change(
            conn,
            Change(0, at, made.tenant, f"tenant.{source}", actor, message, version=made.version),
        )
        return made, change

    # -- reading ---------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def _reading(self, conn: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        if conn is not None:
            yield conn
            return
        async with self.engine.connect() as own:
            yield own

    async def current(
        self, tenant: str, conn: AsyncConnection | None = None
    ) -> TenantVersion | None:
        return await self.version(tenant, None, conn)

    async def version(
        self, tenant: str, version: int | None, conn: AsyncConnection | None = None
    ) -> TenantVersion | None:
        """One version of a tenant (`None`: its current one)."""
        query = select(tenant_versions).where(tenant_versions.c.tenant == tenant)
        if version is None:
            query = query.order_by(tenant_versions.c.version.desc()).limit(1)
        else:
            query = query.where(tenant_versions.c.version == version)
        async with self._reading(conn) as reading:
            row = (await reading.execute(query)).first()
        return version_from_row(row) if row else None

    async def last_from(
        self, tenant: str, source: str, conn: AsyncConnection | None = None
    ) -> TenantVersion | None:
        """The tenant's latest version that came from `source` (e.g. the config file)."""
        query = (
            select(tenant_versions)
            .where(tenant_versions.c.tenant == tenant, tenant_versions.c.source == source)
            .order_by(tenant_versions.c.version.desc())
            .limit(1)
        )
        async with self._reading(conn) as reading:
            row = (await reading.execute(query)).first()
        return version_from_row(row) if row else None

    async def history(self, tenant: str, limit: int = 100) -> list[TenantVersion]:
        """The tenant's versions, newest first."""
        query = (
            select(tenant_versions)
            .where(tenant_versions.c.tenant == tenant)
            .order_by(tenant_versions.c.version.desc())
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [version_from_row(r) for r in await conn.execute(query)]

    async def heads(
        self, tenants: Sequence[str] | None = None, conn: AsyncConnection | None = None
    ) -> list[TenantVersion]:
        """The current version of every tenant (or of `tenants`), by name."""
        latest = select(
            tenant_versions.c.tenant, func.max(tenant_versions.c.version).label("latest")
        ).group_by(tenant_versions.c.tenant)
        if tenants is not None:
            latest = latest.where(tenant_versions.c.tenant.in_(list(tenants)))
        sub = latest.subquery()
        query = (
            select(tenant_versions)
            .join(
                sub,
                and_(
                    tenant_versions.c.tenant == sub.c.tenant,
                    tenant_versions.c.version == sub.c.latest,
                ),
            )
            .order_by(tenant_versions.c.tenant)
        )
        async with self._reading(conn) as reading:
            return [version_from_row(r) for r in await reading.execute(query)]

    async def changes(self, tenant: str | None = None, limit: int = 100) -> list[Change]:
        """The change log, newest first (one tenant's, or everyone's)."""
        query = select(changes).order_by(changes.c.id.desc()).limit(limit)
        if tenant is not None:
            query = query.where(changes.c.tenant == tenant)
        async with self.engine.connect() as conn:
            return [change_from_row(r) for r in await conn.execute(query)]

    async def feed(self, epoch: str, after: int, limit: int = FEED_PAGE) -> FeedUpdate:
        """What a follower at (`epoch`, `after`) needs; everything when it is new or lost."""
        async with self.engine.connect() as conn:
            first = (
                await conn.execute(select(changes.c.at).order_by(changes.c.id).limit(1))
            ).scalar()
            current_epoch = aware(first).isoformat() if first is not None else ""
            latest = (await conn.execute(select(func.max(changes.c.id)))).scalar() or 0
            rows = []
            if epoch == current_epoch and 0 < after <= latest:
                query = select(changes).where(changes.c.id > after).order_by(changes.c.id)
                rows = list(await conn.execute(query.limit(limit + 1)))
                if len(rows) <= limit:
                    return await self._partial(conn, current_epoch, after, rows)
            return FeedUpdate(current_epoch, latest, tuple(await self.heads(None, conn)), (), True)

    async def _partial(
        self, conn: AsyncConnection, epoch: str, after: int, rows: list[Any]
    ) -> FeedUpdate:
        if not rows:
            return FeedUpdate(epoch, after, (), (), False)
        found = [change_from_row(r) for r in rows]
        tenants = sorted({c.tenant for c in found if c.kind.startswith("tenant.")})
        heads = await self.heads(tenants, conn) if tenants else []
        hashes = tuple(h for c in found for h in c.key_hashes)
        return FeedUpdate(epoch, found[-1].id, tuple(heads), hashes, False)
