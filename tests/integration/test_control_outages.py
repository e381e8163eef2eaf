"""The control plane or its bus down: gateways keep their last good versions and catch up.

- The control service stops: a gateway that follows it over gRPC keeps serving
  the versions it has (and keys it has resolved), reports itself stale, and
  catches up when the service is back.
- The LISTEN connection is cut: the listener reconnects, re-reads the feed,
  and nothing applied meanwhile is missed.

(No notification at all, the periodic check alone: tests/unit/control/test_periodic_sync.py.)
"""

from __future__ import annotations

import asyncio

import asyncpg
import grpc
import pytest

from modelgw.api.v1 import control_pb2, control_pb2_grpc, gateway_pb2_grpc
from modelgw.common.grpc_server import start_server
from modelgw.control.listener import APPLICATION_NAME
from modelgw.runtime import Assembly
from tests.conftest import sqlalchemy_url
from tests.control_support import (
    INTERNAL_TOKEN,
    INTERNAL_TOKEN_ENV,
    auth,
    control_config,
    control_gateway,
    eventually,
    slow_backends,
)
from tests.harness import generate_request


def _doc(model: str) -> str:
    return f"tenant: acme\nmodels:\n  {model}:\n    route: [{{provider: echo-b}}]\n"


async def _answers(channel: grpc.aio.Channel, model: str) -> bool:
    stub = gateway_pb2_grpc.GatewayStub(channel)
    try:
        await stub.Generate(generate_request("hello", model=model), metadata=auth("acme-user"))
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND, exc
        return False
    return True


async def test_the_control_service_down_and_back(
    pg_database: str, trust_engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INTERNAL_TOKEN_ENV, INTERNAL_TOKEN)
    pg = sqlalchemy_url(pg_database)
    token = {"internal_token": f"env:{INTERNAL_TOKEN_ENV}"}
    config = control_config(pg, {"services": token})
    async with control_gateway(config, trust_engine=trust_engine) as first:
        port = first.server.port
        follower_config = control_config(
            pg,
            {
                "services": {**token, "control_address": first.address},
                "control": {"sync_interval_s": 0.5, "key_cache_ttl_s": 600},
            },
        )
        follower = Assembly(follower_config, trust_engine=trust_engine)
        server = await start_server([await follower.gateway(slow_backends())], "127.0.0.1:0")
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
        try:
            await first.apply(_doc("one"))
            await eventually(lambda: _answers(channel, "one"), 10)
            # The control service goes away (its process stops).
            await first.server.stop(0)
            live = await follower.live_tenants()
            await eventually(lambda: _stale(follower), 10)
            assert live.versions()["acme"] == 2
            for _ in range(5):  # the last good version, with the key it has resolved
                assert await _answers(channel, "one")
            # Back, on the same address; a change made there arrives.
            second = Assembly(control_config(pg, {"services": token}))
            restarted = await start_server([await second.control()], f"127.0.0.1:{port}")
            admin = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
            try:
                await eventually(lambda: _fresh(follower), 15)
                await control_pb2_grpc.ControlStub(admin).ApplyTenant(
                    control_pb2.ApplyTenantRequest(document=_doc("two")), metadata=auth("platform")
                )
                await eventually(lambda: _answers(channel, "two"), 15)
            finally:
                await admin.close()
                await restarted.stop(0)
                await second.close()
        finally:
            await channel.close()
            await server.stop(0)
            await follower.close()


async def _stale(assembly: Assembly) -> bool:
    status = assembly.tenant_status()
    return status is not None and status.unreachable_since is not None


async def _fresh(assembly: Assembly) -> bool:
    return not await _stale(assembly)


async def test_a_cut_listen_connection_misses_nothing(pg_database: str, trust_engine) -> None:
    pg = sqlalchemy_url(pg_database)
    config = control_config(pg, {"control": {"sync_interval_s": 60}})
    async with control_gateway(config, trust_engine=trust_engine, backends=slow_backends()) as gw:
        listener = gw.assembly.control_store().listener
        assert listener is not None
        for round_ in range(3):
            await asyncio.wait_for(listener.connected.wait(), 10)
            assert await eventually(lambda: _cut_listener(pg_database), 10) >= 0
            await gw.apply(_doc(f"m{round_}"))  # likely while the listener reconnects
            await eventually(lambda r=round_: _answers(gw.channel, f"m{r}"), 10)


async def _cut_listener(dsn: str) -> bool:
    """Terminate the control listener's connection (ours, in the test's own database)."""
    conn = await asyncpg.connect(dsn)
    try:
        cut = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = $1",
            APPLICATION_NAME,
        )
    finally:
        await conn.close()
    return len(cut) == 1
