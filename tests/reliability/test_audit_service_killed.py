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

import grpc
import pytest
import yaml

from modelgw.common.config.defaults import DEV_TENANT
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import start_server
from modelgw.runtime import Assembly
from tests.configs import gateway_config
from tests.conftest import sqlalchemy_url
from tests.ports import free_port
from tests.reliability.audit_checks import (
    assert_each_answered_request_recorded_once,
    count_records,
    wait_for_records,
)
from tests.reliability.killable import KillableProcess
from tests.reliability.load import Load

KEY = "mgw_killed_audit_key_0123"
AUTH = (("authorization", f"Bearer {KEY}"),)
TOKEN_ENV = "MODELGW_TEST_INTERNAL_TOKEN"
PSEUDONYM_ENV = "MODELGW_TEST_AUDIT_KILL_PSEUDONYM_KEY"
PSEUDONYM_KEY = "cd" * 32
WORKERS = 4
OUTAGE_S = 2.0


def _config(dsn: str, audit_address: str, spool: Path) -> ModelgwConfig:
    return gateway_config(
        {
            "services": {
                "audit_address": audit_address,
                "audit_listen": audit_address,
                "internal_token": f"env:{TOKEN_ENV}",
            },
            "audit": {
                "pseudonym_key": f"env:{PSEUDONYM_ENV}",
                "spool": {"directory": str(spool), "batch_size": 50, "retry_max_s": 0.5},
            },
        },
        audit_url=sqlalchemy_url(dsn),
        keys={DEV_TENANT: KEY},
    )


@pytest.fixture
async def audit_service(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[KillableProcess, ModelgwConfig]]:
    token = "reliability-internal-token-0123456789"
    monkeypatch.setenv(TOKEN_ENV, token)
    monkeypatch.setenv(PSEUDONYM_ENV, PSEUDONYM_KEY)
    address = f"127.0.0.1:{free_port()}"
    config = _config(pg_database, address, tmp_path / "spool")
    config_file = tmp_path / "modelgw.yaml"
    config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    process = KillableProcess(
        "audit", config_file, address, tmp_path, {TOKEN_ENV: token, PSEUDONYM_ENV: PSEUDONYM_KEY}
    )
    await asyncio.to_thread(process.start)
    try:
        yield process, config
    finally:
        await asyncio.to_thread(process.stop)


async def test_audit_service_killed_under_load_loses_and_duplicates_nothing(
    audit_service: tuple[KillableProcess, ModelgwConfig], pg_database: str, trust_engine, tmp_path
) -> None:
    process, config = audit_service
    assembly = Assembly(config, trust_engine=trust_engine)
    server = await start_server([await assembly.gateway()], "127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    load = Load(channel, AUTH, WORKERS)
    try:
        load.start()
        # Under way: records are reaching Postgres through the audit service.
        assert await wait_for_records(pg_database, 20, timeout_s=30) >= 20
        await asyncio.to_thread(process.kill)
        load.marking.set()
        stored_at_kill = await count_records(pg_database)
        await asyncio.sleep(OUTAGE_S)
        assert await count_records(pg_database) == stored_at_kill, "nothing written while down"
        restarting = time.monotonic()
        await asyncio.to_thread(process.start)
        load.marking.clear()
        restart_s = time.monotonic() - restarting
        serving = time.monotonic()
        await wait_for_records(pg_database, stored_at_kill + 1, timeout_s=30)
        resume_s = time.monotonic() - serving
        await asyncio.sleep(1.0)
        await load.stop()

        assert not load.failed, list(load.failed.items())[:5]
        assert load.marked, "requests must keep being answered while the audit service is down"
        draining = time.monotonic()
        stored = await wait_for_records(pg_database, len(load.answered), timeout_s=60)
        drain_s = time.monotonic() - draining
        assert stored == len(load.answered), (stored, len(load.answered))
    finally:
        await channel.close()
        await server.stop(0)
        await assembly.close()
    print(
        f"\n{len(load.answered)} answered, {len(load.marked)} while the audit service was down, "
        f"{stored_at_kill} stored when it was killed; restart took {restart_s:.1f}s, "
        f"delivery resumed {resume_s:.1f}s after it was serving, "
        f"the backlog reached Postgres {drain_s:.1f}s after the load stopped"
    )
    await assert_each_answered_request_recorded_once(pg_database, DEV_TENANT, load.answered)
    assert not list((tmp_path / "spool").rglob("seg-*.log")), "the spool was fully delivered"
