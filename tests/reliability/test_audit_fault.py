"""Lossless audit under a database outage.

The gateway serves real traffic (trust layer, echo backend) while its audit
Postgres, a private throwaway cluster, is stopped and later restarted.
Requests keep being answered throughout; afterwards every answered request
has exactly one audit record, none lost, none duplicated, and the chain
verifies.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import grpc
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.checkpoints import Verifier
from modelgw.audit.verify import verify_chain
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config
from tests.conftest import sqlalchemy_url
from tests.harness import generate_request, running_gateway
from tests.reliability.audit_checks import wait_for_records
from tests.reliability.throwaway_pg import ThrowawayPostgres

KEY = "mgw_fault_key_0123456789"
AUTH = (("authorization", f"Bearer {KEY}"),)
WORKERS = 8
OUTAGE_S = float(os.environ.get("PG_OUTAGE_S", "3"))
"""How long Postgres stays down: short in `make test`, 60 s in `make test-reliability`."""


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.destroy()


def _config(dsn: str, spool: Path) -> ModelgwConfig:
    return gateway_config(
        {"audit": {"spool": {"directory": str(spool), "batch_size": 50, "retry_max_s": 0.5}}},
        audit_url=sqlalchemy_url(dsn),
        keys={"dev": KEY},
    )


async def test_postgres_outage_under_load_loses_and_duplicates_nothing(
    postgres: ThrowawayPostgres, tmp_path: Path, trust_engine
) -> None:
    config = _config(postgres.dsn, tmp_path / "spool")
    accepted: list[str] = []
    failed: list[str] = []
    during_outage: list[str] = []
    outage = asyncio.Event()
    stop = asyncio.Event()

    async with running_gateway(config, trust_engine=trust_engine) as gw:

        async def worker(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                request_id = f"w{n}-{i}"
                prompt = f"Customer john.doe{n}@example.com asks about order {i}"
                try:
                    await gw.gateway.Generate(
                        generate_request(prompt, request_id=request_id), metadata=AUTH, timeout=30
                    )
                except grpc.aio.AioRpcError as exc:
                    failed.append(f"{request_id}: {exc.code().name} {exc.details()}")
                    continue
                accepted.append(request_id)
                if outage.is_set():
                    during_outage.append(request_id)

        workers = [asyncio.create_task(worker(n)) for n in range(WORKERS)]
        await asyncio.sleep(2.0)
        before_outage = len(accepted)
        await asyncio.to_thread(postgres.stop)
        outage.set()
        await asyncio.sleep(OUTAGE_S)
        outage.clear()
        await asyncio.to_thread(postgres.start)
        back = time.monotonic()
        await asyncio.sleep(2.0)
        stop.set()
        await asyncio.gather(*workers)

        assert not failed, failed[:5]
        assert before_outage > 0 and len(during_outage) > 0, "requests must flow during the outage"
        stored = await wait_for_records(postgres.dsn, len(accepted), timeout_s=60)
        assert stored == len(accepted)
        drained_s = time.monotonic() - back

    conn = await asyncpg.connect(postgres.dsn)
    try:
        rows = await conn.fetch(
            "SELECT client_request_id AS request_id, count(*) AS n FROM audit_records "
            "GROUP BY client_request_id"
        )
        seqs = [r["seq"] for r in await conn.fetch("SELECT seq FROM audit_records ORDER BY seq")]
    finally:
        await conn.close()
    assert {r["request_id"] for r in rows} == set(accepted)
    assert all(r["n"] == 1 for r in rows)
    assert seqs == list(range(1, len(accepted) + 1))

    engine = create_async_engine(sqlalchemy_url(postgres.dsn))
    try:
        async with engine.connect() as session:
            report = await verify_chain(session, "dev", Verifier({}))
    finally:
        await engine.dispose()
    assert report.ok and report.records_checked == len(accepted)
    print(
        f"\nDRILL Postgres stopped {OUTAGE_S:.0f} s under {WORKERS} callers: {len(accepted)} "
        f"answered ({len(during_outage)} during the outage), 0 failed, {stored} records, 0 "
        f"duplicated, seq 1..{len(seqs)} without a gap, chain verified; all stored "
        f"{drained_s:.1f} s after Postgres came back"
    )
