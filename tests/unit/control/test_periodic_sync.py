"""No notification at all (two gateways on one SQLite file): the periodic check alone
brings a change applied on one to the other."""

from __future__ import annotations

from pathlib import Path

import grpc

from modelgw.api.v1 import gateway_pb2_grpc
from tests.control_support import auth, control_config, control_gateway, eventually
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


async def test_without_notifications_the_periodic_check_brings_the_change(
    tmp_path: Path, trust_engine
) -> None:
    shared = f"sqlite+aiosqlite:///{tmp_path}/control.db"
    admin_config = control_config(shared)
    gateway_config = control_config(shared, {"control": {"sync_interval_s": 0.5}})
    async with (
        control_gateway(admin_config, trust_engine=trust_engine) as admin,
        control_gateway(gateway_config, trust_engine=trust_engine) as gw,
    ):
        await admin.apply(_doc("polled"))
        assert await eventually(lambda: _answers(gw.channel, "polled"), 10) < 5
