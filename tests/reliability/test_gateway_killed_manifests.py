"""Lossless audit with the manifests' volume layout: a gateway pod dies, and one that goes.

The gateway, trust and control run as the Kubernetes dev overlay's containers
(`tests/containers.py`: their exact args, env and config, a read-only world
but for their volumes). The gateway's spool is on the StatefulSet claim's
mount (`/var/lib/modelgw`): one host directory kept across the gateway's
lives, as the claim is kept across a pod's. The Audit service runs in this
test process on the address the config names, so the test can take it away.

1. Under load the audit service goes away, answered requests pile up in the
   spool on the claim, and the gateway gets SIGKILL (a node failure). A new
   gateway on the same volume (the rescheduled pod) delivers them.
2. The audit service goes away again, records spool, and the gateway gets
   SIGTERM (a scale-down: the pod goes for good). The audit service comes back
   during the pod's grace: the gateway empties its spool before it exits.

Every answered request has exactly one record; none is lost or doubled.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from modelgw.common.config.schema import ModelgwConfig
from modelgw.runtime import Assembly
from tests.configs import gateway_config
from tests.conftest import ROOT, sqlalchemy_url
from tests.containers import Stack, k8s_containers, render, stack_network
from tests.reliability.audit_checks import (
    assert_each_answered_request_recorded_once,
    count_records,
    wait_for_records,
    wait_for_requests,
)
from tests.reliability.load import Load
from tests.reliability.test_gateway_killed import AuditServer
from tests.reliability.throwaway_redis import ThrowawayRedis

DEMO_KEY = "mgw_compose_demo_key"
AUTH = (("authorization", f"Bearer {DEMO_KEY}"),)
TOKEN_ENV = "MODELGW_TEST_MANIFEST_KILL_TOKEN"
WORKERS = 4
SPOOL = "/var/lib/modelgw/audit-spool"


def _secret(rendered: list[dict], name: str, key: str) -> str:
    secret = next(
        d for d in rendered if d["kind"] == "Secret" and d["metadata"]["name"].startswith(name)
    )
    return base64.b64decode(secret["data"][key]).decode()


def _audit_config(dsn: str, address: str) -> ModelgwConfig:
    return gateway_config(
        {
            "server": {"grpc_address": address, "http_address": ""},
            "services": {"audit_listen": address, "internal_token": f"env:{TOKEN_ENV}"},
            "audit": {"spool": {"enabled": False}},
        },
        audit_url=sqlalchemy_url(dsn),
        keys={"dev": "mgw_unused_key_for_the_test_audit"},
    )


def _spooled_bytes(spool: Path) -> int:
    total = 0
    for directory in (d for d in spool.iterdir() if d.is_dir()):
        segment, offset = (int(x) for x in (directory / "cursor").read_text().split())
        sizes = {
            int(p.stem.removeprefix("seg-")): p.stat().st_size for p in directory.glob("seg-*")
        }
        total += sum(size for n, size in sizes.items() if n >= segment) - offset
    return total


@pytest.fixture
async def deployment(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Stack, AuditServer]]:
    rendered = render(ROOT / "k8s/overlays/dev")
    monkeypatch.setenv(TOKEN_ENV, _secret(rendered, "modelgw-internal", "token"))
    redis = ThrowawayRedis(password=_secret(rendered, "modelgw-redis", "password"))
    redis.start()
    network = stack_network(sqlalchemy_url(pg_database), redis.url)
    containers = k8s_containers(rendered)
    stack = Stack(containers, network, tmp_path)
    assembly = Assembly(_audit_config(pg_database, network["audit:50053"]))
    audit = AuditServer(await assembly.audit(), network["audit:50053"])
    await audit.start()
    try:
        # The migration Job's control container first (the audit schema is the in-process
        # audit service's): control refuses to start on an unmigrated store.
        await asyncio.to_thread(stack.run_to_completion, "migrate-control")
        await asyncio.to_thread(stack.serve, "control", "trust", "gateway")
        yield stack, audit
    finally:
        stack.close()
        await audit.stop()
        await assembly.close()
        redis.close()


async def test_gateway_pod_killed_or_scaled_down_loses_and_doubles_no_record(
    deployment: tuple[Stack, AuditServer], pg_database: str
) -> None:
    stack, audit = deployment
    spool = stack.sandbox("gateway").host(SPOOL)

    # 1. a node dies under the gateway with records only in its spool
    async with grpc.aio.insecure_channel(stack.address("gateway")) as channel:
        first = Load(channel, AUTH, WORKERS)
        first.start("a")
        assert await wait_for_records(pg_database, 20, timeout_s=60) >= 20
        await audit.stop()
        answered_before = len(first.answered)
        await asyncio.sleep(1.5)
        await asyncio.to_thread(stack.kill, "gateway")
        await first.stop()
    assert len(first.answered) > answered_before, "answers go on while the audit is away"
    assert _spooled_bytes(spool) > 0, "the killed gateway left records on its volume"
    assert len(first.answered) > await count_records(pg_database)

    # the pod is rescheduled with its claim
    await audit.start()
    await asyncio.to_thread(stack.serve, "gateway")
    async with grpc.aio.insecure_channel(stack.address("gateway")) as channel:
        second = Load(channel, AUTH, WORKERS)
        second.start("b")
        await asyncio.sleep(1.0)
        await audit.stop()  # 2. away again: what follows is spooled only
        await asyncio.sleep(1.5)
        await second.stop()
    assert second.answered and not second.failed, list(second.failed.items())[:5]
    assert _spooled_bytes(spool) > 0

    # scale-down: SIGTERM; the audit service returns within the pod's grace
    stopping = asyncio.ensure_future(asyncio.to_thread(stack.stop, "gateway", 90))
    await asyncio.sleep(3.0)
    assert not stopping.done(), "the gateway waits for its spool to drain"
    await audit.start()
    await stopping  # exit 0
    assert _spooled_bytes(spool) == 0, "the pod leaves an empty spool behind"

    answered = first.answered + second.answered
    await wait_for_requests(pg_database, answered, timeout_s=60)
    print(
        f"\n{len(first.answered)} answered before the kill ({len(first.failed)} cut off), "
        f"{len(second.answered)} by the rescheduled pod"
    )
    await assert_each_answered_request_recorded_once(
        pg_database, "demo", answered, unanswered=first.failed
    )
