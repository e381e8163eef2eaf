"""A gateway in its own process follows the control plane: new routing without a restart.

The test process runs the control plane (and the trust and audit services the
gateway needs) over the real Postgres; `modelgw gateway` runs apart with
`services.control_address` pointing at it, so it learns of changes through
the `Control` service's change feed (watch stream, then SyncTenants), while
the test's own gateway follows Postgres LISTEN/NOTIFY directly. The backstop
check is a minute on both, so what arrives sooner came by notification.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
import yaml

from modelgw.api.v1 import control_pb2, gateway_pb2_grpc
from tests.conftest import sqlalchemy_url
from tests.control_support import (
    INTERNAL_TOKEN,
    INTERNAL_TOKEN_ENV,
    auth,
    control_config,
    control_gateway,
    eventually,
)
from tests.e2e.processes import modelgw_process
from tests.harness import generate_request
from tests.ports import free_port

ADD_FRESH = """
tenant: acme
models:
  fresh:
    route: [{provider: echo-b}]
"""
PROPAGATION_BOUND_S = 1.0


PSEUDONYM_KEY_ENV = "MODELGW_TEST_AUDIT_PSEUDONYM_KEY"


def _gateway_config(path: Path, control: str, port: int, tmp_path: Path) -> None:
    config = {
        "server": {"grpc_address": f"127.0.0.1:{port}", "http_address": None, "drain_s": 0},
        "services": {
            "trust_address": control,
            "audit_address": control,
            "control_address": control,
            "internal_token": f"env:{INTERNAL_TOKEN_ENV}",
        },
        "providers": {
            "echo-a": {"type": "echo", "locality": "local"},
            "echo-b": {"type": "echo", "locality": "local"},
        },
        "models": {"echo": {"route": [{"provider": "echo-a"}]}},
        "control": {"sync_interval_s": 60},
        "audit": {
            "spool": {"directory": str(tmp_path / "spool")},
            "pseudonym_key": f"env:{PSEUDONYM_KEY_ENV}",
        },
    }
    path.write_text(yaml.safe_dump(config))


@contextlib.asynccontextmanager
async def _process(
    args: list[str], address: str, workdir: Path, env: dict[str, str]
) -> AsyncIterator[None]:
    """`modelgw_process` started and stopped off the event loop: the services this process
    hosts must keep answering while the child starts (it syncs with them first)."""
    manager = modelgw_process(args, address, workdir, env)
    await asyncio.to_thread(manager.__enter__)
    try:
        yield
    finally:
        await asyncio.to_thread(manager.__exit__, None, None, None)


async def _fresh_answers(channel: grpc.aio.Channel) -> bool:
    stub = gateway_pb2_grpc.GatewayStub(channel)
    try:
        await stub.Generate(generate_request("hello", model="fresh"), metadata=auth("acme-user"))
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND, exc
        return False
    return True


async def test_apply_reaches_a_gateway_in_another_process(
    tmp_path: Path, pg_database: str, trust_engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INTERNAL_TOKEN_ENV, INTERNAL_TOKEN)
    config = control_config(
        sqlalchemy_url(pg_database),
        {
            "control": {"sync_interval_s": 60},
            "services": {"internal_token": f"env:{INTERNAL_TOKEN_ENV}"},
        },
        audit_url=sqlalchemy_url(pg_database),
    )
    async with control_gateway(config, trust_engine=trust_engine, with_trust=True) as here:
        port = free_port()
        path = tmp_path / "gateway.yaml"
        _gateway_config(path, here.address, port, tmp_path)
        env = {INTERNAL_TOKEN_ENV: INTERNAL_TOKEN, PSEUDONYM_KEY_ENV: "0f" * 32}
        command = ["gateway", "--config", str(path)]
        async with (
            _process(command, f"127.0.0.1:{port}", tmp_path, env),
            grpc.aio.insecure_channel(f"127.0.0.1:{port}") as there,
        ):
            assert not await _fresh_answers(there)
            assert not await _fresh_answers(here.channel)
            applied = time.monotonic()
            await here.apply(ADD_FRESH, message="add fresh")
            local_s, remote_s = await asyncio.gather(
                eventually(lambda: _fresh_answers(here.channel), 30),
                eventually(lambda: _fresh_answers(there), 30),
            )
            print(f"propagation: this process {local_s:.3f} s, other {remote_s:.3f} s")
            assert time.monotonic() - applied < 30
            assert local_s < PROPAGATION_BOUND_S
            assert remote_s < PROPAGATION_BOUND_S

            # Rolled back: gone from both, again without a restart.
            await here.control.RollbackTenant(
                control_pb2.RollbackTenantRequest(tenant="acme", to_version=1),
                metadata=auth("platform"),
            )

            async def gone(channel: grpc.aio.Channel) -> bool:
                return not await _fresh_answers(channel)

            assert await eventually(lambda: gone(there), 30) < PROPAGATION_BOUND_S
