"""A control plane in the test process: config, a gateway that also serves Control, admin calls.

`control_gateway` is `modelgw serve` with the control store on the database a
test names: Gateway, Audit, Control and Trust on one free port, so a second
gateway (another Assembly, or a real `modelgw gateway` process) can use this
one as its trust, audit and control services.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import grpc

from modelgw.api.v1 import (
    audit_pb2_grpc,
    control_pb2,
    control_pb2_grpc,
    gateway_pb2_grpc,
)
from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.providers import Locality
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import GrpcServer, start_server
from modelgw.common.messages import FinishReason, Usage
from modelgw.providers.base import Backend, BackendRequest, BackendResponse, StreamChunk
from modelgw.runtime import Assembly
from modelgw.trust.engine import TrustEngine
from tests.configs import gateway_config, merged

Metadata = tuple[tuple[str, str], ...]
INTERNAL_TOKEN = "control-test-internal-token-0123456789"
INTERNAL_TOKEN_ENV = "MODELGW_CONTROL_TEST_TOKEN"

KEYS = {
    "acme-user": "mgw_test_acme_user_000000000000",
    "acme-admin": "mgw_test_acme_admin_00000000000",
    "acme-auditor": "mgw_test_acme_auditor_000000000",
    "globex-user": "mgw_test_globex_user_0000000000",
    "globex-admin": "mgw_test_globex_admin_000000000",
    "platform": "mgw_test_platform_admin_0000000",
}


def auth(name: str) -> Metadata:
    return (("authorization", f"Bearer {KEYS[name]}"),)


def _key(name: str, roles: list[str]) -> dict[str, Any]:
    return {"id": name.split("-", 1)[1], "sha256": hash_api_key(KEYS[name]), "roles": roles}


def control_config(
    control_url: str, changes: Mapping[str, Any] | None = None, *, audit_url: str | None = None
) -> ModelgwConfig:
    """Two echo providers, tenants acme and globex (a user and an admin key each, an auditor
    for acme), one platform admin key, the control store at `control_url`."""
    base: dict[str, Any] = {
        "providers": {
            "echo": None,  # gateway_config's own; these tests route to two of their own
            "echo-a": {"type": "echo", "locality": "local"},
            "echo-b": {"type": "echo", "locality": "local"},
        },
        "models": {"echo": {"route": [{"provider": "echo-a"}]}},
        "tenants": {
            "acme": {
                "api_keys": [
                    _key("acme-user", ["user"]),
                    _key("acme-admin", ["admin"]),
                    _key("acme-auditor", ["auditor"]),
                ]
            },
            "globex": {
                "api_keys": [_key("globex-user", ["user"]), _key("globex-admin", ["admin"])]
            },
        },
        "control": {
            "url": control_url,
            "platform_admin_keys": [{"id": "root", "sha256": hash_api_key(KEYS["platform"])}],
        },
        "audit": {"spool": {"enabled": False}},
    }
    return gateway_config(merged(base, changes or {}), audit_url=audit_url, keys={})


class SlowEcho:
    """An echo backend that takes `delay_s` to answer and reports fixed usage."""

    def __init__(self, name: str, delay_s: float = 0.0, usage: Usage | None = None) -> None:
        self.name = name
        self.provider_type = "echo"
        self.locality = Locality.LOCAL
        self.delay_s = delay_s
        self.usage = usage or Usage(prompt_tokens=1, completion_tokens=1)
        self.calls = 0

    async def generate(self, request: BackendRequest) -> BackendResponse:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        text = request.messages[-1].content
        return BackendResponse(f"{self.name}: {text}", FinishReason.STOP, self.usage)

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        response = await self.generate(request)
        yield StreamChunk(response.text, response.finish_reason, response.usage)

    async def close(self) -> None:
        return None


def slow_backends(delay_s: float = 0.0, usage: Usage | None = None) -> dict[str, Backend]:
    return {name: SlowEcho(name, delay_s, usage) for name in ("echo-a", "echo-b")}


@dataclass
class ControlGateway:
    address: str
    channel: grpc.aio.Channel
    assembly: Assembly
    server: GrpcServer

    @property
    def gateway(self) -> gateway_pb2_grpc.GatewayAsyncStub:
        return gateway_pb2_grpc.GatewayStub(self.channel)

    @property
    def audit(self) -> audit_pb2_grpc.AuditAsyncStub:
        return audit_pb2_grpc.AuditStub(self.channel)

    @property
    def control(self) -> control_pb2_grpc.ControlAsyncStub:
        return control_pb2_grpc.ControlStub(self.channel)

    async def apply(self, document: str, who: str = "platform", **fields: Any) -> Any:
        return await self.control.ApplyTenant(
            control_pb2.ApplyTenantRequest(document=document, **fields), metadata=auth(who)
        )


@contextlib.asynccontextmanager
async def control_gateway(
    config: ModelgwConfig,
    *,
    trust_engine: TrustEngine | None = None,
    backends: Mapping[str, Backend] | None = None,
    with_trust: bool = False,
) -> AsyncIterator[ControlGateway]:
    assembly = Assembly(config, trust_engine=trust_engine)
    bindings = [await assembly.gateway(backends), await assembly.audit(), await assembly.control()]
    if with_trust:
        bindings.append(assembly.trust())
    server = await start_server(bindings, "127.0.0.1:0")
    address = f"127.0.0.1:{server.port}"
    channel = grpc.aio.insecure_channel(address)
    try:
        yield ControlGateway(address, channel, assembly, server)
    finally:
        await channel.close()
        await server.stop(0)
        await assembly.close()


async def eventually(check: Any, timeout_s: float, every_s: float = 0.02) -> float:
    """Seconds until `await check()` is true; AssertionError after `timeout_s`."""
    start = time.monotonic()
    while True:
        if await check():
            return time.monotonic() - start
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"not true within {timeout_s} s")
        await asyncio.sleep(every_s)
