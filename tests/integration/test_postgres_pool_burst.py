"""A burst of four times a store's Postgres pool waits for connections; nothing is refused (#19).

The audit and the control store size their pools by config (`pool_size`,
`max_overflow`, `pool_timeout_s`); before, both took SQLAlchemy's default
(5 + 10 overflow), whatever the deployment's Postgres could hold. These tests
configure a pool of two and check, from both sides, that two is what is used:
the pool never lends more, Postgres never sees more sessions, and the burst
takes as many waves as the pool allows. A wait longer than `pool_timeout_s`
fails with SQLAlchemy's pool error, which the audit service reads as an outage.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from modelgw.audit.queries import AuditReader
from modelgw.audit.records import AuditQuery
from modelgw.audit.store import AuditStore
from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.control import ControlConfig
from modelgw.common.db_errors import is_connection_error
from modelgw.control.store import ControlStore
from tests.conftest import sqlalchemy_url
from tests.unit.audit.factory import make_record

POOL = 2
BURST = 4 * POOL
HOLD_S = 0.3


def small_pool(url: str) -> dict[str, object]:
    return {"url": sqlalchemy_url(url), "pool_size": POOL, "max_overflow": 0, "pool_timeout_s": 30}


def queue_pool(engine: AsyncEngine) -> QueuePool:
    assert isinstance(engine.pool, QueuePool), type(engine.pool)
    return engine.pool


async def held(engine: AsyncEngine, lent: list[int]) -> float:
    """Hold one pooled connection for HOLD_S; note how many the pool has lent meanwhile."""
    async with engine.connect() as conn:
        lent.append(queue_pool(engine).checkedout())
        row = (await conn.execute(text("SELECT pg_sleep(:s), 1.0"), {"s": HOLD_S})).one()
        return float(row[1])


async def sessions(dsn: str, stop: asyncio.Event) -> int:
    """The most sessions Postgres had on the test's database (this watcher's left out)."""
    watcher = await asyncpg.connect(dsn)
    most = 0
    try:
        while not stop.is_set():
            count = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            most = max(most, count)
            await asyncio.sleep(0.02)
    finally:
        await watcher.close()
    return most


async def test_a_burst_of_four_times_the_audit_pool_waits_for_connections(
    pg_database: str,
) -> None:
    store = AuditStore.from_config(AuditConfig.model_validate(small_pool(pg_database)))
    await store.open_schema(migrate_now=True, tenants=["acme"])
    stop, lent = asyncio.Event(), list[int]()
    watching = asyncio.create_task(sessions(pg_database, stop))
    try:
        assert queue_pool(store.engine).size() == POOL
        started = time.monotonic()
        answers = await asyncio.gather(*(held(store.engine, lent) for _ in range(BURST)))
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        most_sessions = await watching
        await store.close()
    assert answers == [1.0] * BURST  # every query ran; none was refused
    assert max(lent) == POOL, lent  # the pool lent its configured size, never more
    assert most_sessions <= POOL, most_sessions
    # BURST / POOL waves of HOLD_S each (a lower bound only: a loaded machine cannot fail it).
    assert elapsed >= (BURST / POOL) * HOLD_S * 0.9, elapsed


async def test_audit_writes_and_reads_beyond_the_pool_are_all_served(pg_database: str) -> None:
    store = AuditStore.from_config(AuditConfig.model_validate(small_pool(pg_database)))
    await store.open_schema(migrate_now=True, tenants=["acme"])
    reader = AuditReader(store.engine)
    try:
        writes = [store.append([make_record(tenant="acme")]) for _ in range(BURST)]
        reads = [reader.count(AuditQuery(tenant="acme")) for _ in range(BURST)]
        appended, counted = await asyncio.gather(asyncio.gather(*writes), asyncio.gather(*reads))
        stored = await reader.count(AuditQuery(tenant="acme"))
    finally:
        await store.close()
    assert [r.stored for r in appended] == [1] * BURST
    assert all(isinstance(n, int) for n in counted), counted
    assert stored == BURST


async def test_a_burst_of_four_times_the_control_pool_is_served(pg_database: str) -> None:
    store = ControlStore.from_config(ControlConfig.model_validate(small_pool(pg_database)))
    await store.open()
    lent = list[int]()
    try:
        assert queue_pool(store.engine).size() == POOL
        answers = await asyncio.gather(
            *(held(store.engine, lent) for _ in range(BURST)),
            *(store.current(f"tenant-{i}") for i in range(4 * BURST)),
        )
    finally:
        await store.close()
    assert answers[:BURST] == [1.0] * BURST
    assert answers[BURST:] == [None] * (4 * BURST)  # no such tenants; each query answered
    assert max(lent) == POOL, lent


async def test_a_wait_beyond_pool_timeout_fails_with_the_pools_error(pg_database: str) -> None:
    config = {**small_pool(pg_database), "pool_size": 1, "pool_timeout_s": 0.2}
    store = AuditStore.from_config(AuditConfig.model_validate(config))
    try:
        async with store.engine.connect() as holder:  # the pool's only connection
            await holder.execute(text("SELECT 1"))
            started = time.monotonic()
            with pytest.raises(PoolTimeout, match="QueuePool limit of size 1 overflow 0") as err:
                async with store.engine.connect():
                    pass
            waited = time.monotonic() - started
    finally:
        await store.close()
    assert 0.2 * 0.9 <= waited < 5, waited  # it waited pool_timeout_s, not the default 30 s
    # The audit service answers it UNAVAILABLE (retry later), as for an outage.
    assert is_connection_error(err.value)
