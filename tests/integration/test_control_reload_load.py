"""100 applies while a few hundred requests are in flight: none fails, each sees one version.

Every version of tenant acme routes model `m` to one backend by its parity
(odd versions to echo-a, even ones to echo-b), and each backend takes 200 ms,
so many requests start under one version and end under a later one. Each
request's audit record must name one version, and the backend that answered
must be the one that version routes to: the request kept the `Tenant` it
resolved from its start to its audit record.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import asyncpg
import grpc

from modelgw.api.v1 import gateway_pb2
from tests.conftest import sqlalchemy_url
from tests.control_support import auth, control_config, control_gateway, slow_backends
from tests.harness import generate_request

IN_FLIGHT = 300
APPLIES = 100
BACKEND_DELAY_S = 0.2


def _document(version: int) -> str:
    backend = "echo-a" if version % 2 else "echo-b"
    return f"tenant: acme\nmodels:\n  m:\n    route: [{{provider: {backend}}}]\n"


async def _stored_records(dsn: str, expected: int, timeout_s: float) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            rows = await conn.fetch(
                "SELECT client_request_id, tenant_version, backend, status FROM audit_records "
                "WHERE tenant = 'acme' AND model = 'm'"
            )
            if len(rows) >= expected or time.monotonic() > deadline:
                return rows
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def test_applies_under_load_fail_nothing_and_each_request_sees_one_version(
    pg_database: str, trust_engine, tmp_path: Path
) -> None:
    url = sqlalchemy_url(pg_database)
    config = control_config(
        url,
        {
            "control": {"sync_interval_s": 60},
            "audit": {"spool": {"enabled": True, "directory": str(tmp_path / "spool")}},
            "tenants": {"acme": {"models": {"m": {"route": [{"provider": "echo-a"}]}}}},
        },
        audit_url=url,
    )
    backends = slow_backends(BACKEND_DELAY_S)
    async with control_gateway(config, trust_engine=trust_engine, backends=backends) as gw:
        answered: dict[str, tuple[str, str]] = {}
        failures: list[str] = []
        stop = asyncio.Event()
        ids = itertools.count()

        async def worker() -> None:
            while not stop.is_set():
                rid = f"load-{next(ids)}"
                request = generate_request("hello", model="m", request_id=rid)
                try:
                    reply: gateway_pb2.GenerateResponse = await gw.gateway.Generate(
                        request, metadata=auth("acme-user")
                    )
                except grpc.aio.AioRpcError as exc:
                    failures.append(f"{rid}: {exc.code().name} {exc.details()}")
                    continue
                answered[rid] = (reply.route.backend, reply.message.content)

        workers = [asyncio.create_task(worker()) for _ in range(IN_FLIGHT)]
        await asyncio.sleep(2 * BACKEND_DELAY_S)  # the load is under way
        started = time.monotonic()
        for version in range(2, APPLIES + 2):
            (outcome,) = (await gw.apply(_document(version))).outcomes
            assert (outcome.version, outcome.changed) == (version, True)
        applies_s = time.monotonic() - started
        live = await gw.assembly.live_tenants()
        assert await live.wait_for("acme", APPLIES + 1, timeout_s=30)
        await asyncio.sleep(2 * BACKEND_DELAY_S)
        stop.set()
        await asyncio.gather(*workers)

    assert failures == [], failures[:5]
    rows = await _stored_records(pg_database, len(answered), timeout_s=60)
    assert len(rows) == len(answered), "one audit record per request"
    seen: set[int] = set()
    for row in rows:
        version = row["tenant_version"]
        expected = "echo-a" if version % 2 else "echo-b"
        assert row["status"] == "OK", row
        assert row["backend"] == expected, f"{row['client_request_id']}: {dict(row)}"
        assert answered[row["client_request_id"]][0] == expected
        assert answered[row["client_request_id"]][1].startswith(f"{expected}: ")
        seen.add(version)
    print(
        f"{len(rows)} requests, {IN_FLIGHT} in flight, {APPLIES} applies in {applies_s:.1f} s, "
        f"{len(seen)} versions served"
    )
    assert len(seen) > 10, "the load spanned many versions"
