"""API keys issued at run time: shown once, stored hashed, rotated, expired, revoked.

Two gateways follow the control plane on the real Postgres: one in the control
plane's process (LISTEN/NOTIFY) and one that reaches it over gRPC (its change
feed and key resolution). Their key caches hold entries for ten minutes and
the backstop check runs once a minute, so a revoked key that stops working
sooner was dropped by the change notification.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator

import grpc
import pytest
from sqlalchemy import select

from modelgw.api.v1 import control_pb2
from modelgw.common.grpc_server import start_server
from modelgw.control.tables import api_keys
from modelgw.runtime import Assembly
from tests.conftest import sqlalchemy_url
from tests.control_support import (
    INTERNAL_TOKEN,
    INTERNAL_TOKEN_ENV,
    ControlGateway,
    auth,
    control_config,
    control_gateway,
    eventually,
    slow_backends,
)
from tests.harness import generate_request

PROPAGATION_BOUND_S = 1.0
SLOW = {"control": {"sync_interval_s": 60, "key_cache_ttl_s": 600}}


@contextlib.asynccontextmanager
async def _remote_gateway(control: str, pg: str) -> AsyncIterator[grpc.aio.Channel]:
    """A second gateway (its own Assembly) that uses `control` over gRPC."""
    config = control_config(
        sqlalchemy_url(pg),
        {
            **SLOW,
            "services": {
                "trust_address": control,
                "audit_address": control,
                "control_address": control,
                "internal_token": f"env:{INTERNAL_TOKEN_ENV}",
            },
        },
    )
    assembly = Assembly(config)
    server = await start_server([await assembly.gateway(slow_backends())], "127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield channel
    finally:
        await channel.close()
        await server.stop(0)
        await assembly.close()


@pytest.fixture
async def gateways(
    pg_database: str, trust_engine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[ControlGateway, grpc.aio.Channel]]:
    monkeypatch.setenv(INTERNAL_TOKEN_ENV, INTERNAL_TOKEN)
    config = control_config(
        sqlalchemy_url(pg_database),
        {**SLOW, "services": {"internal_token": f"env:{INTERNAL_TOKEN_ENV}"}},
        audit_url=sqlalchemy_url(pg_database),
    )
    async with (
        control_gateway(
            config, trust_engine=trust_engine, backends=slow_backends(), with_trust=True
        ) as here,
        _remote_gateway(here.address, pg_database) as there,
    ):
        yield here, there


async def _works(channel: grpc.aio.Channel, key: str) -> bool:
    from modelgw.api.v1 import gateway_pb2_grpc

    stub = gateway_pb2_grpc.GatewayStub(channel)
    try:
        await stub.Generate(
            generate_request("hello"), metadata=(("authorization", f"Bearer {key}"),)
        )
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.UNAUTHENTICATED, exc
        return False
    return True


async def _both(here: ControlGateway, there: grpc.aio.Channel, key: str) -> tuple[bool, bool]:
    return await _works(here.channel, key), await _works(there, key)


async def test_a_created_key_is_shown_once_and_stored_as_its_hash(
    gateways: tuple[ControlGateway, grpc.aio.Channel], pg_database: str
) -> None:
    here, there = gateways
    issued = await here.control.CreateApiKey(
        control_pb2.CreateApiKeyRequest(tenant="acme", key_id="ci", roles=["user"], message="ci"),
        metadata=auth("acme-admin"),
    )
    assert issued.key.startswith("mgw_") and len(issued.key) > 40
    assert (issued.info.key_id, issued.info.state, list(issued.info.roles)) == (
        "ci",
        "active",
        ["user"],
    )
    assert await _both(here, there, issued.key) == (True, True)
    engine = here.assembly.control_store().engine
    async with engine.connect() as conn:
        rows = list(await conn.execute(select(api_keys.c.sha256, api_keys.c.key_id)))
    assert rows == [(hashlib.sha256(issued.key.encode()).hexdigest(), "ci")]
    listed = await here.control.ListApiKeys(
        control_pb2.ListApiKeysRequest(tenant="acme"), metadata=auth("acme-admin")
    )
    assert [(k.key_id, k.state) for k in listed.keys] == [
        ("user", "declared"),
        ("admin", "declared"),
        ("auditor", "declared"),
        ("ci", "active"),
    ]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await here.control.CreateApiKey(
            control_pb2.CreateApiKeyRequest(tenant="acme", key_id="ci"),
            metadata=auth("acme-admin"),
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_revoked_key_stops_on_every_gateway_by_notification(
    gateways: tuple[ControlGateway, grpc.aio.Channel],
) -> None:
    here, there = gateways
    issued = await here.control.CreateApiKey(
        control_pb2.CreateApiKeyRequest(tenant="acme", key_id="ci"), metadata=auth("platform")
    )
    assert await _both(here, there, issued.key) == (True, True)  # now cached for 10 minutes
    revoked = await here.control.RevokeApiKey(
        control_pb2.RevokeApiKeyRequest(tenant="acme", key_id="ci", message="leaked"),
        metadata=auth("acme-admin"),
    )
    assert [k.state for k in revoked.keys] == ["revoked"]

    async def refused() -> bool:
        return await _both(here, there, issued.key) == (False, False)

    assert await eventually(refused, 30) < PROPAGATION_BOUND_S


async def test_a_rotated_key_keeps_its_old_secret_for_the_grace_period(
    gateways: tuple[ControlGateway, grpc.aio.Channel],
) -> None:
    here, there = gateways
    first = await here.control.CreateApiKey(
        control_pb2.CreateApiKeyRequest(tenant="acme", key_id="ci"), metadata=auth("platform")
    )
    assert await _both(here, there, first.key) == (True, True)
    second = await here.control.RotateApiKey(
        control_pb2.RotateApiKeyRequest(tenant="acme", key_id="ci", grace_s=3),
        metadata=auth("acme-admin"),
    )
    assert second.key != first.key
    assert second.info.generation == 2
    assert await _both(here, there, second.key) == (True, True)
    assert await _both(here, there, first.key) == (True, True), "the grace period"

    async def old_refused() -> bool:
        return await _both(here, there, first.key) == (False, False)

    await eventually(old_refused, 30)
    assert await _both(here, there, second.key) == (True, True)
    listed = await here.control.ListApiKeys(
        control_pb2.ListApiKeysRequest(tenant="acme"), metadata=auth("platform")
    )
    assert [(k.generation, k.state) for k in listed.keys if k.key_id == "ci"] == [
        (1, "expired"),
        (2, "active"),
    ]


async def test_an_expired_key_stops_and_declared_keys_change_only_with_the_file(
    gateways: tuple[ControlGateway, grpc.aio.Channel],
) -> None:
    here, there = gateways
    issued = await here.control.CreateApiKey(
        control_pb2.CreateApiKeyRequest(tenant="acme", key_id="temp", expires_in_s=3600),
        metadata=auth("platform"),
    )
    assert issued.info.state == "expiring"
    assert await _both(here, there, issued.key) == (True, True)
    await here.control.ExpireApiKey(
        control_pb2.ExpireApiKeyRequest(tenant="acme", key_id="temp"), metadata=auth("platform")
    )

    async def refused() -> bool:
        return await _both(here, there, issued.key) == (False, False)

    assert await eventually(refused, 30) < PROPAGATION_BOUND_S
    for call in (
        here.control.RevokeApiKey(
            control_pb2.RevokeApiKeyRequest(tenant="acme", key_id="user"), metadata=auth("platform")
        ),
        here.control.RotateApiKey(
            control_pb2.RotateApiKeyRequest(tenant="acme", key_id="user"), metadata=auth("platform")
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "declared in the config file" in (caught.value.details() or "")


async def test_an_issued_admin_key_administers_its_tenant(
    gateways: tuple[ControlGateway, grpc.aio.Channel],
) -> None:
    here, _ = gateways
    issued = await here.control.CreateApiKey(
        control_pb2.CreateApiKeyRequest(tenant="globex", key_id="ops", roles=["admin"]),
        metadata=auth("platform"),
    )
    metadata = (("authorization", f"Bearer {issued.key}"),)
    listed = await here.control.ListTenants(control_pb2.ListTenantsRequest(), metadata=metadata)
    assert [t.name for t in listed.tenants] == ["globex"]
