"""The spool sender stores a batch in parts and leaves the event loop to requests between
them (`audit.pacing`): counted in turns other tasks get, never timed."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from modelgw.audit import sender
from modelgw.audit import store as store_module
from modelgw.audit.convert import record_from_pb, record_to_pb
from modelgw.audit.pacing import AT_ONCE, BACKGROUND, Pacing
from modelgw.audit.rows import row_from_record
from modelgw.audit.sender import StoreTarget
from modelgw.audit.store import AuditStore
from modelgw.audit.tables import audit_records
from modelgw.common.config.audit import AuditConfig
from tests.unit.audit.factory import make_record


async def _turns_while(work: asyncio.Future[object]) -> int:
    """How many turns a task waiting on the loop gets while `work` runs."""
    turns = 0
    while not work.done():
        await asyncio.sleep(0)
        turns += 1
    await work
    return turns


async def test_a_pacing_gives_the_loop_away_after_every_part() -> None:
    async def paced(pacing: Pacing) -> None:
        for done in range(1, 13):
            await pacing.after(done)

    unpaced = await _turns_while(asyncio.ensure_future(paced(AT_ONCE)))  # the task's start
    assert await _turns_while(asyncio.ensure_future(paced(Pacing(every=4)))) == unpaced + 3
    assert BACKGROUND.pause_s > 0


async def test_a_delivered_batch_leaves_the_loop_to_others_between_its_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts the records read and hashed between two turns of another task: never more
    than a part. (All at once, the loop was the batch's until it was read, then hashed.)"""
    done = {"read": 0, "hashed": 0}

    def counted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            done[name] += 1
            return function(*args)

        return call

    monkeypatch.setattr(sender, "record_from_pb", counted("read", record_from_pb))
    monkeypatch.setattr(store_module, "row_from_record", counted("hashed", row_from_record))
    store = AuditStore.from_config(AuditConfig(url=f"sqlite+aiosqlite:///{tmp_path}/a.db"))
    await store.open_schema(migrate_now=True, tenants=["acme"])
    try:
        payloads = [record_to_pb(make_record()).SerializeToString() for _ in range(200)]
        work = asyncio.ensure_future(StoreTarget(store).deliver(payloads, BACKGROUND))
        seen: list[dict[str, int]] = []
        while not work.done():
            seen.append(dict(done))
            await asyncio.sleep(0)
        await work
        assert done == {"read": 200, "hashed": 200}
        for name in done:
            steps = [b[name] - a[name] for a, b in itertools.pairwise(seen)]
            assert max(steps) <= BACKGROUND.every, name
        async with store.engine.connect() as conn:
            stored = (await conn.execute(select(func.count()).select_from(audit_records))).scalar()
        assert stored == 200
    finally:
        await store.close()
