"""Tenant documents as versioned data on the real Postgres: apply, refuse, roll back, scope.

The gateway under test is `modelgw serve`'s shape (Gateway, Audit and Control
on one port) with the control store on Postgres; it follows the store through
LISTEN/NOTIFY. The backstop check is set to a minute, so a change that arrives
within the test's bound arrived by notification.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable

import grpc
import pytest

from modelgw.api.v1 import audit_pb2, control_pb2, gateway_pb2
from tests.conftest import sqlalchemy_url
from tests.control_support import (
    ControlGateway,
    auth,
    control_config,
    control_gateway,
    eventually,
    slow_backends,
)
from tests.harness import generate_request

NEW_MODEL = """
tenant: acme
display_name: ACME
models:
  fresh:
    description: added at run time
    route:
      - provider: echo-b
"""
PROPAGATION_BOUND_S = 1.0
"""Notification to a served request; the bench (bench/control) measures the real figure."""


@pytest.fixture
async def gw(pg_database: str, trust_engine) -> AsyncIterator[ControlGateway]:
    config = control_config(
        sqlalchemy_url(pg_database),
        {"control": {"sync_interval_s": 60}},
        audit_url=sqlalchemy_url(pg_database),
    )
    async with control_gateway(config, trust_engine=trust_engine, backends=slow_backends()) as gw:
        yield gw


async def _answers(gw: ControlGateway, model: str, who: str = "acme-user") -> str | None:
    try:
        reply = await gw.gateway.Generate(
            generate_request("hello", model=model), metadata=auth(who)
        )
    except grpc.aio.AioRpcError as exc:
        assert exc.code() in {grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED}, exc
        return None
    return reply.message.content


async def test_the_config_file_is_version_1(gw: ControlGateway) -> None:
    listed = await gw.control.ListTenants(
        control_pb2.ListTenantsRequest(), metadata=auth("platform")
    )
    assert [(t.name, t.version, t.updated_by) for t in listed.tenants] == [
        ("acme", 1, "config"),
        ("globex", 1, "config"),
    ]
    assert gw.assembly.tenants().get("acme").version == 1


async def test_apply_reaches_the_gateway_by_notification(gw: ControlGateway) -> None:
    assert await _answers(gw, "fresh") is None
    reply = await gw.apply(NEW_MODEL, message="add fresh")
    (outcome,) = reply.outcomes
    assert (outcome.tenant, outcome.previous, outcome.version, outcome.changed) == (
        "acme",
        1,
        2,
        True,
    )
    assert "+  fresh:" in outcome.diff
    live = await gw.assembly.live_tenants()
    assert await live.wait_for("acme", 2, timeout_s=PROPAGATION_BOUND_S)
    assert await _answers(gw, "fresh") == "echo-b: hello"
    models = await gw.gateway.ListModels(
        gateway_pb2.ListModelsRequest(), metadata=auth("acme-user")
    )
    assert "fresh" in [m.name for m in models.models]
    assert await _answers(gw, "fresh", who="globex-user") is None, "acme's models are its own"


async def test_applying_the_same_document_twice_creates_one_version(gw: ControlGateway) -> None:
    first = (await gw.apply(NEW_MODEL)).outcomes[0]
    again = (
        await gw.apply(NEW_MODEL.replace("display_name: ACME", "display_name: 'ACME'"))
    ).outcomes[0]
    assert (first.version, first.changed) == (2, True)
    assert (again.version, again.changed, again.diff) == (2, False, "")
    history = await gw.control.TenantHistory(
        control_pb2.TenantHistoryRequest(tenant="acme"), metadata=auth("platform")
    )
    assert [v.version for v in history.versions] == [2, 1]


async def test_a_dry_run_shows_the_diff_and_changes_nothing(gw: ControlGateway) -> None:
    (outcome,) = (await gw.apply(NEW_MODEL, dry_run=True)).outcomes
    assert (outcome.version, outcome.changed, outcome.dry_run) == (2, True, True)
    assert "+  fresh:" in outcome.diff
    current = await gw.control.GetTenant(
        control_pb2.GetTenantRequest(tenant="acme"), metadata=auth("platform")
    )
    assert current.version == 1


async def test_an_invalid_document_is_refused_and_the_running_version_stays(
    gw: ControlGateway,
) -> None:
    await gw.apply(NEW_MODEL)
    live = await gw.assembly.live_tenants()
    assert await live.wait_for("acme", 2, timeout_s=10)
    bad = NEW_MODEL.replace("echo-b", "echo-z") + "entity_policy: {external: {PERSON: shred}}\n"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.apply(bad, source_name="acme.yaml")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "acme.yaml: entity_policy.external.PERSON: Input should be" in (
        caught.value.details() or ""
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.apply(NEW_MODEL.replace("echo-b", "echo-z"), source_name="acme.yaml")
    assert caught.value.details() == (
        "acme.yaml: models.fresh.route[0].provider: unknown provider 'echo-z' "
        "(known: ['echo-a', 'echo-b'])"
    )
    assert gw.assembly.tenants().get("acme").version == 2
    assert await _answers(gw, "fresh") == "echo-b: hello"


async def test_rollback_writes_the_old_document_as_a_new_version(gw: ControlGateway) -> None:
    await gw.apply(NEW_MODEL)
    live = await gw.assembly.live_tenants()
    assert await live.wait_for("acme", 2, timeout_s=10)
    assert await _answers(gw, "fresh") == "echo-b: hello"
    reply = await gw.control.RollbackTenant(
        control_pb2.RollbackTenantRequest(tenant="acme", to_version=1, message="undo"),
        metadata=auth("acme-admin"),
    )
    (outcome,) = reply.outcomes
    assert (outcome.previous, outcome.version, outcome.changed) == (2, 3, True)
    assert "-  fresh:" in outcome.diff
    assert await live.wait_for("acme", 3, timeout_s=PROPAGATION_BOUND_S)
    assert await _answers(gw, "fresh") is None
    assert await _answers(gw, "echo") == "echo-a: hello"
    history = await gw.control.TenantHistory(
        control_pb2.TenantHistoryRequest(tenant="acme"), metadata=auth("acme-admin")
    )
    assert [(v.version, v.source, v.based_on, v.created_by) for v in history.versions] == [
        (3, "rollback", 1, "acme/admin"),
        (2, "apply", 0, "platform:root"),
        (1, "config", 0, "config"),
    ]
    diff = await gw.control.DiffTenant(
        control_pb2.DiffTenantRequest(tenant="acme", from_version=1, to_version=3),
        metadata=auth("platform"),
    )
    assert diff.diff == ""


async def test_changes_are_in_the_audit_log(gw: ControlGateway) -> None:
    await gw.apply(NEW_MODEL, message="add fresh")
    page = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(tenant="acme", provider="control"),
        metadata=auth("acme-auditor"),
    )
    found = sorted((r.tenant_version, r.api_key_id, r.route.reason) for r in page.records)
    assert [f[:2] for f in found] == [(1, "config"), (2, "platform:root")]
    assert found[0][2].startswith("tenant.config: new tenant -> 1, digest ")
    assert found[1][2].startswith("tenant.apply: version 1 -> 2, digest ")
    assert {r.client_request_id[:7] for r in page.records} == {"change-"}


async def test_a_tenant_admin_administers_its_own_tenant_only(gw: ControlGateway) -> None:
    other = NEW_MODEL.replace("tenant: acme", "tenant: globex")
    calls: list[Awaitable[object]] = [
        gw.control.GetTenant(
            control_pb2.GetTenantRequest(tenant="acme"), metadata=auth("globex-admin")
        ),
        gw.control.TenantHistory(
            control_pb2.TenantHistoryRequest(tenant="acme"), metadata=auth("globex-admin")
        ),
        gw.control.DiffTenant(
            control_pb2.DiffTenantRequest(tenant="acme", from_version=1, to_version=1),
            metadata=auth("globex-admin"),
        ),
        gw.control.RollbackTenant(
            control_pb2.RollbackTenantRequest(tenant="acme", to_version=1),
            metadata=auth("globex-admin"),
        ),
        gw.apply(NEW_MODEL, who="globex-admin"),
        gw.apply(NEW_MODEL + "---\n" + other, who="globex-admin"),
        gw.control.ListApiKeys(
            control_pb2.ListApiKeysRequest(tenant="acme"), metadata=auth("globex-admin")
        ),
        gw.control.CreateApiKey(
            control_pb2.CreateApiKeyRequest(tenant="acme", key_id="sneaky", roles=["admin"]),
            metadata=auth("globex-admin"),
        ),
        gw.control.RevokeApiKey(
            control_pb2.RevokeApiKeyRequest(tenant="acme", key_id="user"),
            metadata=auth("globex-admin"),
        ),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "may only administer tenant 'globex'" in (caught.value.details() or "")
    listed = await gw.control.ListTenants(
        control_pb2.ListTenantsRequest(), metadata=auth("globex-admin")
    )
    assert [t.name for t in listed.tenants] == ["globex"]
    (mine,) = (await gw.apply(other, who="globex-admin")).outcomes
    assert (mine.tenant, mine.version) == ("globex", 2)
    assert (
        await gw.control.GetTenant(
            control_pb2.GetTenantRequest(tenant="acme"), metadata=auth("platform")
        )
    ).version == 1


async def test_only_admin_keys_reach_the_admin_api(gw: ControlGateway) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.apply(NEW_MODEL, who="acme-user")
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "needs an API key with the `admin` role" in (caught.value.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.control.ApplyTenant(control_pb2.ApplyTenantRequest(document=NEW_MODEL))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.control.SyncTenants(control_pb2.SyncTenantsRequest(), metadata=auth("platform"))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_tenant_admin_cannot_change_what_the_platform_owns(gw: ControlGateway) -> None:
    for change in ("quotas: {requests_per_minute: 1000000}\n", "allowed_models: [echo]\n"):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.apply(NEW_MODEL + change, who="acme-admin")
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "set by the platform" in (caught.value.details() or "")
    (outcome,) = (await gw.apply(NEW_MODEL, who="acme-admin")).outcomes
    assert outcome.changed
    (outcome,) = (await gw.apply(NEW_MODEL + "quotas: {requests_per_minute: 5}\n")).outcomes
    assert outcome.version == 3


async def test_optimistic_concurrency_refuses_a_stale_apply(gw: ControlGateway) -> None:
    await gw.apply(NEW_MODEL)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.apply(NEW_MODEL.replace("ACME", "Acme"), expected_version=1)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "is at version 2, not 1" in (caught.value.details() or "")


async def test_a_platform_admin_creates_a_tenant_and_its_first_key(gw: ControlGateway) -> None:
    (outcome,) = (await gw.apply("tenant: initech\ndisplay_name: Initech\n")).outcomes
    assert (outcome.tenant, outcome.previous, outcome.version) == ("initech", 0, 1)
    issued = await gw.control.CreateApiKey(
        control_pb2.CreateApiKeyRequest(tenant="initech", key_id="app"), metadata=auth("platform")
    )
    live = await gw.assembly.live_tenants()
    assert await live.wait_for("initech", 1, timeout_s=PROPAGATION_BOUND_S)
    reply = await gw.gateway.Generate(
        generate_request("hello"), metadata=(("authorization", f"Bearer {issued.key}"),)
    )
    assert reply.message.content == "echo-a: hello"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.apply("tenant: umbrella\n", who="acme-admin")
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_version_a_gateway_cannot_serve_is_refused_there_only(
    gw: ControlGateway, pg_database: str
) -> None:
    """A gateway whose config lacks a provider keeps the tenant's previous version."""
    narrow = control_config(
        sqlalchemy_url(pg_database),
        {"providers": {"echo-b": None}, "control": {"sync_interval_s": 60}},
    )
    async with control_gateway(narrow, backends=slow_backends()) as other:
        await gw.apply(NEW_MODEL)  # routes `fresh` to echo-b, which `other` lacks
        live = await gw.assembly.live_tenants()
        assert await live.wait_for("acme", 2, timeout_s=10)

        async def refused() -> bool:
            status = other.assembly.tenant_status()
            return status is not None and "acme" in status.refused

        await eventually(refused, 10)
        status = other.assembly.tenant_status()
        assert status is not None
        assert status.versions["acme"] == 1
        assert "unknown provider 'echo-b'" in status.refused["acme"]
        assert await _answers(other, "echo") == "echo-a: hello"
