"""Postgres accepts connections and never answers (#18 finding 4): the audit and control
stores give up connecting within `connect_timeout_s` (asyncpg alone waits 60 s)."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from modelgw.audit.store import AuditStore
from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.control import ControlConfig
from modelgw.control.store import ControlStore
from tests.reliability.black_hole import BlackHole

HANG_S = 20.0


async def _connect(engine: AsyncEngine) -> float:
    """Seconds until connecting failed (asyncpg raises TimeoutError; HANG_S: it hung)."""
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(HANG_S), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    return time.monotonic() - started


async def test_black_holed_postgres_fails_the_stores_within_the_connect_timeout() -> None:
    with BlackHole() as hole:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{hole.port}/test"
        audit = AuditStore.from_config(AuditConfig(url=url))
        control = ControlStore.from_config(ControlConfig(url=url))
        try:
            took = await asyncio.gather(_connect(audit.engine), _connect(control.engine))
        finally:
            await audit.engine.dispose()
            await control.engine.dispose()
    limit = AuditConfig(url=url).connect_timeout_s
    print(
        f"\nDRILL Postgres black-holed (connect_timeout_s {limit}): audit store failed after "
        f"{took[0]:.2f} s, control store after {took[1]:.2f} s"
    )
    assert max(took) < limit + 5


async def test_the_change_feed_listener_gives_up_connecting_within_its_timeout() -> None:
    from modelgw.common.config.database import DatabaseTimeouts
    from modelgw.control.doorbell import Doorbell
    from modelgw.control.listener import PgListener

    with BlackHole() as hole:
        dsn = f"postgresql://postgres@127.0.0.1:{hole.port}/test"
        listener = PgListener(dsn, Doorbell(), timeouts=DatabaseTimeouts(connect_timeout_s=0.5))
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(HANG_S):
                await listener._listen_once()
        took = time.monotonic() - started
    print(f"\nDRILL Postgres black-holed: the change-feed listener gave up after {took:.2f} s")
    assert took < 5, "bounded by connect_timeout_s (0.5 s), not the listener's old fixed 5 s"
