"""Lossless audit when the gateway itself is killed with records still in its spool.

`modelgw gateway` runs as a real process (real trust layer, echo backend) and
delivers its spool over gRPC to an Audit service in this test process, which
writes to a fresh database on the shared Postgres. Under load the Audit
service goes away, so answered requests pile up in the gateway's spool only;
then the gateway gets SIGKILL. Both come back, the new gateway process finds
the spool and delivers it: every request that was answered has exactly one
record (a request cut off by the kill may have one, never two), and the chain
verifies.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
import yaml

from modelgw.common.config.defaults import DEV_TENANT
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import GrpcServer, ServiceBinding, start_server
from modelgw.runtime import Assembly
from tests.configs import gateway_config
from tests.conftest import sqlalchemy_url
from tests.ports import free_port
from tests.reliability.audit_checks import (
    assert_each_answered_request_recorded_once,
    count_records,
    wait_for_records,
    wait_for_requests,
)
from tests.reliability.killable import KillableProcess
from tests.reliability.load import Load

KEY = "mgw_killed_gateway_key_01"
AUTH = (("authorization", f"Bearer {KEY}"),)
TOKEN_ENV = "MODELGW_TEST_GATEWAY_KILL_TOKEN"
TOKEN = "gateway-kill-internal-token-0123456"
PSEUDONYM_ENV = "MODELGW_TEST_GATEWAY_KILL_PSEUDONYM_KEY"
PSEUDONYM_KEY = "ab" * 32
WORKERS = 4


def _config(dsn: str, gateway: str, audit: str, spool: Path) -> ModelgwConfig:
    return gateway_config(
        {
            "server": {"grpc_address": gateway, "http_address": ""},
            "services": {
                "audit_address": audit,
                "audit_listen": audit,
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


class AuditServer:
    """The Audit service in this process, stopped and started again on one address."""

    def __init__(self, binding: ServiceBinding, address: str) -> None:
        self._binding = binding
        self._address = address
        self._server: GrpcServer | None = None

    async def start(self) -> None:
        self._server = await start_server([self._binding], self._address)

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop(0)
            self._server = None


@pytest.fixture
async def deployment(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[KillableProcess, AuditServer, Path]]:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(PSEUDONYM_ENV, PSEUDONYM_KEY)
    gateway, audit = (f"127.0.0.1:{free_port()}" for _ in range(2))
    spool = tmp_path / "spool"
    config = _config(pg_database, gateway, audit, spool)
    config_file = tmp_path / "modelgw.yaml"
    config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    assembly = Assembly(config)
    server = AuditServer(await assembly.audit(), audit)
    await server.start()
    process = KillableProcess(
        "gateway", config_file, gateway, tmp_path, {TOKEN_ENV: TOKEN, PSEUDONYM_ENV: PSEUDONYM_KEY}
    )
    try:
        await asyncio.to_thread(process.start)
        yield process, server, spool
    finally:
        await asyncio.to_thread(process.stop)
        await server.stop()
        await assembly.close()


def _spooled_bytes(spool: Path) -> int:
    """Undelivered bytes in a spool directory, from its files (the owner is dead)."""
    (directory,) = [d for d in spool.iterdir() if d.is_dir()]
    segment, offset = (int(x) for x in (directory / "cursor").read_text().split())
    sizes = {int(p.stem.removeprefix("seg-")): p.stat().st_size for p in directory.glob("seg-*")}
    return sum(size for n, size in sizes.items() if n >= segment) - offset


async def test_gateway_killed_with_a_full_spool_delivers_it_after_restart(
    deployment: tuple[KillableProcess, AuditServer, Path], pg_database: str
) -> None:
    gateway, audit, spool = deployment
    async with grpc.aio.insecure_channel(gateway.address) as channel:
        load = Load(channel, AUTH, WORKERS)
        load.start("a")
        assert await wait_for_records(pg_database, 20, timeout_s=30) >= 20
        await audit.stop()
        answered_before = len(load.answered)
        await asyncio.sleep(1.5)  # answered now means: in the gateway's spool only
        await asyncio.to_thread(gateway.kill)
        await load.stop()
    assert len(load.answered) > answered_before, "answers must go on while the audit is away"
    assert _spooled_bytes(spool) > 0, "the killed gateway left records in its spool"
    spooled_only = len(load.answered) - await count_records(pg_database)
    assert spooled_only > 0, "answered requests whose records only the dead gateway's spool holds"

    await audit.start()
    await asyncio.to_thread(gateway.start)
    async with grpc.aio.insecure_channel(gateway.address) as channel:
        after = Load(channel, AUTH, WORKERS)
        after.start("b")
        await asyncio.sleep(1.0)
        await after.stop()
    assert after.answered and not after.failed, list(after.failed.items())[:5]

    answered = load.answered + after.answered
    await wait_for_requests(pg_database, answered, timeout_s=60)
    print(
        f"\n{len(load.answered)} answered before the kill ({spooled_only} only spooled), "
        f"{len(load.failed)} cut off by it, {len(after.answered)} after the restart"
    )
    await assert_each_answered_request_recorded_once(
        pg_database, DEV_TENANT, answered, unanswered=load.failed
    )
