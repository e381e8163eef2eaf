"""What the audit fault tests check afterwards: one record per answered request, a whole chain."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection

import asyncpg
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.checkpoints import Verifier
from modelgw.audit.verify import verify_chain
from tests.conftest import sqlalchemy_url


async def count_records(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM audit_records"))
    finally:
        await conn.close()


async def wait_for_records(dsn: str, expected: int, timeout_s: float) -> int:
    """Poll until at least `expected` records are stored; the count reached."""
    deadline = time.monotonic() + timeout_s
    count = await count_records(dsn)
    while count < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        count = await count_records(dsn)
    return count


async def wait_for_requests(dsn: str, request_ids: Collection[str], timeout_s: float) -> None:
    """Poll until every one of `request_ids` (the callers' own ids) has a record.

    Not a count: the table also holds admin changes and the records of requests a killed
    gateway finished but never answered, so a count can reach the number of answered
    requests while one of them is still in a spool on its way."""
    deadline = time.monotonic() + timeout_s
    wanted = set(request_ids)
    while True:
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch("SELECT DISTINCT client_request_id FROM audit_records")
        finally:
            await conn.close()
        if wanted <= {r["client_request_id"] for r in rows} or time.monotonic() >= deadline:
            return
        await asyncio.sleep(0.2)


async def assert_each_answered_request_recorded_once(
    dsn: str, tenant: str, answered: Collection[str], unanswered: Collection[str] = ()
) -> None:
    """Every answered request has exactly one record; seq is 1..N; the chain verifies.

    `unanswered` are requests whose caller got an error because the gateway died
    under them: the gateway may have finished and spooled them first, so each may
    have a record (once) or none.
    """
    conn = await asyncpg.connect(dsn)
    try:
        # The load sends each request with its own client id: find records by it.
        # Admin changes (the config file's tenants loaded as a version) are records too,
        # with backend `control`: in the chain, not among the requests.
        rows = await conn.fetch(
            "SELECT client_request_id AS request_id, count(*) AS n FROM audit_records "
            "WHERE backend <> 'control' GROUP BY client_request_id"
        )
        seqs = [r["seq"] for r in await conn.fetch("SELECT seq FROM audit_records ORDER BY seq")]
        dead = await conn.fetchval("SELECT count(*) FROM audit_dead_letters")
    finally:
        await conn.close()
    recorded = {r["request_id"] for r in rows}
    assert set(answered) <= recorded, f"lost: {sorted(set(answered) - recorded)[:10]}"
    assert recorded - set(answered) <= set(unanswered), sorted(recorded - set(answered))[:10]
    assert all(r["n"] == 1 for r in rows), [r["request_id"] for r in rows if r["n"] > 1][:10]
    changes = len(seqs) - sum(r["n"] for r in rows)
    assert seqs == list(range(1, len(seqs) + 1))
    assert dead == 0

    engine = create_async_engine(sqlalchemy_url(dsn))
    try:
        async with engine.connect() as session:
            report = await verify_chain(session, tenant, Verifier({}))
    finally:
        await engine.dispose()
    assert report.ok and report.records_checked == len(recorded) + changes, report
