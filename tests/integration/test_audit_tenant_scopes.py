"""A tenant added to the config after `modelgw audit migrate` ran.

Its auditors read under a per-tenant scope role that migrate provisions. An
audit service that may migrate (`audit.migrate_on_start`) provisions it at
start; one that may not logs a warning at start naming the tenant and the
command, refuses that tenant's reads with FAILED_PRECONDITION saying the
same, and serves them, without a restart, once the operator has run migrate.
Either way row-level security keeps each auditor to its own tenant.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.migrate import migrate, missing_scopes
from modelgw.audit.store import AuditStore
from modelgw.cli import main
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import start_server
from modelgw.runtime import Assembly
from tests.configs import config_file, gateway_config, key_entry
from tests.conftest import sqlalchemy_url
from tests.unit.audit.factory import make_record

KEYS = {"acme": "mgw_scope_acme_auditor_01", "initech": "mgw_scope_initech_audit_1"}


def _config(dsn: str, *, migrate_on_start: bool) -> ModelgwConfig:
    """Each tenant with one auditor-only key."""
    return gateway_config(
        {
            "tenants": {
                tenant: {"api_keys": [key_entry(key, "audit", ["auditor"])]}
                for tenant, key in KEYS.items()
            },
            "audit": {"migrate_on_start": migrate_on_start},
        },
        audit_url=sqlalchemy_url(dsn),
        keys={},
    )


@pytest.fixture
async def migrated_before_initech(pg_database: str) -> str:
    """The database as the first deploy left it: migrated for acme only; one record each."""
    store = AuditStore(create_async_engine(sqlalchemy_url(pg_database)))
    await store.open_schema(migrate_now=True, tenants=["acme"])
    await store.append([make_record("acme"), make_record("initech")])
    assert await missing_scopes(store.engine, ["acme", "initech"]) == ["initech"]
    await store.close()
    return pg_database


@pytest.fixture
async def service(
    request: pytest.FixtureRequest, migrated_before_initech: str
) -> AsyncIterator[audit_pb2_grpc.AuditAsyncStub]:
    config = _config(migrated_before_initech, migrate_on_start=request.param)
    assembly = Assembly(config)
    server = await start_server([await assembly.audit()], "127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield audit_pb2_grpc.AuditStub(channel)
    finally:
        await channel.close()
        await server.stop(0)
        await assembly.close()


async def _tenants_seen(stub: audit_pb2_grpc.AuditAsyncStub, tenant: str) -> set[str]:
    page = await stub.QueryRecords(
        audit_pb2.QueryRecordsRequest(), metadata=(("x-api-key", KEYS[tenant]),)
    )
    return {r.tenant for r in page.records}


@pytest.mark.parametrize("service", [True], indirect=True)
async def test_a_service_that_may_migrate_provisions_the_new_tenant_at_start(
    service: audit_pb2_grpc.AuditAsyncStub,
) -> None:
    assert await _tenants_seen(service, "initech") == {"initech"}
    assert await _tenants_seen(service, "acme") == {"acme"}


@pytest.mark.parametrize("service", [False], indirect=True)
async def test_without_migrate_rights_the_error_says_what_to_run_and_migrate_fixes_it_live(
    service: audit_pb2_grpc.AuditAsyncStub,
    migrated_before_initech: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    started = caplog.get_records("setup")  # the service started in the fixture
    warned = [r.getMessage() for r in started if r.levelno >= logging.WARNING]
    assert any("initech" in m and "modelgw audit migrate" in m for m in warned), warned

    assert await _tenants_seen(service, "acme") == {"acme"}
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _tenants_seen(service, "initech")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    details = refused.value.details() or ""
    assert "'initech'" in details and "modelgw audit migrate --config FILE" in details, details

    path = config_file(
        tmp_path / "modelgw.yaml", _config(migrated_before_initech, migrate_on_start=False)
    )

    def run_migrate() -> object:
        try:
            main(["audit", "migrate", "--config", path])
        except SystemExit as exc:
            return exc.code
        return 0

    assert await asyncio.to_thread(run_migrate) == 0
    assert await _tenants_seen(service, "initech") == {"initech"}, "no restart needed"
    assert await _tenants_seen(service, "acme") == {"acme"}


async def test_migrate_reports_no_missing_scope_for_configured_tenants(pg_database: str) -> None:
    engine = create_async_engine(sqlalchemy_url(pg_database))
    try:
        await migrate(engine, ["acme", "initech"])
        assert await missing_scopes(engine, ["acme", "initech"]) == []
        assert await missing_scopes(engine, ["acme", "umbrella"]) == ["umbrella"]
    finally:
        await engine.dispose()
