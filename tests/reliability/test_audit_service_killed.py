"""Lossless audit when the separate audit service is killed under load.

The gateway (in this process: real trust layer, echo backend) spools every
audit record and a sender delivers the spool over gRPC (`Audit.Ingest`) to a
`modelgw audit` process writing to a fresh database on the shared Postgres.
Under load the audit process gets SIGKILL (so batches die mid-transaction,
and a batch Postgres committed may never be acknowledged), stays down for a
while, and is started again. Requests keep being answered throughout;
afterwards every answered request has exactly one record, seq runs 1..N
without a gap, and the chain verifies.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import grpc
import pytest
import yaml
from modelgw.api.v1 import gateway_pb2_grpc
from modelgw.audit.checkpoints import Verifier
from modelgw.audit.verify import verify_chain
from modelgw.common.config.defaults import DEV_TENANT, embedded_config
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import start_server
from modelgw.runtime import Assembly
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import free_port, sqlalchemy_url
from tests.harness import generate_request
from tests.reliability.audit_process import AuditProcess

KEY = "mgw_killed_audit_key_0123"
AUTH = (("authorization", f"Bearer {KEY}"),)
TOKEN_ENV = "MODELGW_TEST_INTERNAL_TOKEN"
WORKERS = 4
OUTAGE_S = 2.0


def _config(dsn: str, audit_address: str, spool: Path) -> ModelgwConfig:
    data = embedded_config(KEY).model_dump(mode="json")
    data["services"] = {
        "audit_address": audit_address,
        "audit_listen": audit_address,
        "internal_token": f"env:{TOKEN_ENV}",
    }
    data["audit"] = {
        "url": sqlalchemy_url(dsn),
        "spool": {"directory": str(spool), "batch_size": 50, "retry_max_s": 0.5},
    }
    return ModelgwConfig.model_validate(data)


async def _count(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM audit_records"))
    finally:
        await conn.close()


async def _wait_for_records(dsn: str, expected: int, timeout_s: float) -> int:
    deadline = time.monotonic() + timeout_s
    count = await _count(dsn)
    while count < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.3)
        count = await _count(dsn)
    return count


@pytest.fixture
async def audit_service(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[AuditProcess, ModelgwConfig]]:
    token = "reliability-internal-token-0123456789"
    monkeypatch.setenv(TOKEN_ENV, token)
    address = f"127.0.0.1:{free_port()}"
    config = _config(pg_database, address, tmp_path / "spool")
    config_file = tmp_path / "modelgw.yaml"
    config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    process = AuditProcess(config_file, address, tmp_path, {TOKEN_ENV: token})
    await asyncio.to_thread(process.start)
    try:
        yield process, config
    finally:
        await asyncio.to_thread(process.stop)


async def test_audit_service_killed_under_load_loses_and_duplicates_nothing(
    audit_service: tuple[AuditProcess, ModelgwConfig], pg_database: str, trust_engine, tmp_path
) -> None:
    process, config = audit_service
    accepted: list[str] = []
    failed: list[str] = []
    while_down: list[str] = []
    down = asyncio.Event()
    stop = asyncio.Event()

    assembly = Assembly(config, trust_engine=trust_engine)
    server = await start_server([await assembly.gateway()], "127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        gateway = gateway_pb2_grpc.GatewayStub(channel)

        async def worker(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                request_id = f"w{n}-{i}"
                prompt = f"Customer jane.roe{n}@example.com asks about invoice {i}"
                try:
                    await gateway.Generate(
                        generate_request(prompt, request_id=request_id), metadata=AUTH, timeout=30
                    )
                except grpc.aio.AioRpcError as exc:
                    failed.append(f"{request_id}: {exc.code().name} {exc.details()}")
                    continue
                accepted.append(request_id)
                if down.is_set():
                    while_down.append(request_id)

        workers = [asyncio.create_task(worker(n)) for n in range(WORKERS)]
        # Under way: records are reaching Postgres through the audit service.
        assert await _wait_for_records(pg_database, 20, timeout_s=30) >= 20
        await asyncio.to_thread(process.kill)
        down.set()
        stored_at_kill = await _count(pg_database)
        await asyncio.sleep(OUTAGE_S)
        assert await _count(pg_database) == stored_at_kill, "nothing is written while it is down"
        restarting = time.monotonic()
        await asyncio.to_thread(process.start)
        down.clear()
        restart_s = time.monotonic() - restarting
        serving = time.monotonic()
        await _wait_for_records(pg_database, stored_at_kill + 1, timeout_s=30)
        resume_s = time.monotonic() - serving
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*workers)

        assert not failed, failed[:5]
        assert while_down, "requests must keep being answered while the audit service is down"
        draining = time.monotonic()
        stored = await _wait_for_records(pg_database, len(accepted), timeout_s=60)
        drain_s = time.monotonic() - draining
        assert stored == len(accepted), (stored, len(accepted))
    finally:
        await channel.close()
        await server.stop(0)
        await assembly.close()
    print(
        f"\n{len(accepted)} answered, {len(while_down)} while the audit service was down, "
        f"{stored_at_kill} stored when it was killed; restart took {restart_s:.1f}s, "
        f"delivery resumed {resume_s:.1f}s after it was serving, "
        f"the backlog reached Postgres {drain_s:.1f}s after the load stopped"
    )

    conn = await asyncpg.connect(pg_database)
    try:
        rows = await conn.fetch(
            "SELECT request_id, count(*) AS n FROM audit_records GROUP BY request_id"
        )
        seqs = [r["seq"] for r in await conn.fetch("SELECT seq FROM audit_records ORDER BY seq")]
        dead = await conn.fetchval("SELECT count(*) FROM audit_dead_letters")
    finally:
        await conn.close()
    assert {r["request_id"] for r in rows} == set(accepted)
    assert all(r["n"] == 1 for r in rows)
    assert seqs == list(range(1, len(accepted) + 1))
    assert dead == 0
    assert not list((tmp_path / "spool").rglob("seg-*.log")), "the spool was fully delivered"

    engine = create_async_engine(sqlalchemy_url(pg_database))
    try:
        async with engine.connect() as session:
            report = await verify_chain(session, DEV_TENANT, Verifier({}))
    finally:
        await engine.dispose()
    assert report.ok and report.records_checked == len(accepted), report
