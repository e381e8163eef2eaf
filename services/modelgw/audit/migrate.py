"""Apply the audit migrations and provision per-tenant auditor scope roles.

`modelgw audit migrate` runs this as the schema owner (a role that may create
roles); the audit service can also run it at start (`audit.migrate_on_start`)
where it has those rights, as in `modelgw serve` and the tests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from modelgw.common.config.tenants import NAME_PATTERN

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
APP_ROLE = "modelgw_audit_app"
AUDITOR_ROLE = "modelgw_auditor"
_LOCK_KEY = 0x6D67_7761_7564  # any fixed number: serialises concurrent migrators


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def scope_role_name(tenant: str) -> str:
    """The Postgres role whose holders may read `tenant`'s records (at most 63 bytes)."""
    if not re.fullmatch(NAME_PATTERN, tenant):
        raise ValueError(f"not a tenant name: {tenant!r}")
    name = f"modelgw_auditor_{tenant}".replace("-", "_")
    if len(name) > 63:
        name = "modelgw_auditor_" + hashlib.sha256(tenant.encode()).hexdigest()[:40]
    return name


async def _provision_scope(conn: AsyncConnection, tenant: str) -> str:
    role = scope_role_name(tenant)
    # Roles are cluster-wide: another database may have made it already. The app role
    # becomes a member so the service may SET ROLE to it for a tenant's queries under RLS.
    await conn.execute(
        text(
            f"""DO $$ BEGIN
  BEGIN
    CREATE ROLE "{role}" NOLOGIN IN ROLE {AUDITOR_ROLE};
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  IF NOT pg_has_role('{APP_ROLE}', '{role}', 'MEMBER') THEN
    GRANT "{role}" TO {APP_ROLE};
  END IF;
END $$"""
        )
    )
    await conn.execute(
        text(
            "INSERT INTO audit_auditor_scopes (role_name, tenant) VALUES (:role, :tenant) "
            "ON CONFLICT (role_name) DO NOTHING"
        ),
        {"role": role, "tenant": tenant},
    )
    return role


async def migrate(engine: AsyncEngine, tenants: Iterable[str] = (), revision: str = "head") -> None:
    """Upgrade to `revision`; on Postgres also give every tenant an auditor scope role."""
    postgres = engine.dialect.name == "postgresql"
    async with engine.begin() as conn:
        if postgres:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
        if postgres:
            for tenant in sorted(set(tenants)):
                await _provision_scope(conn, tenant)


async def missing_scopes(engine: AsyncEngine, tenants: Iterable[str]) -> list[str]:
    """The tenants whose auditors cannot read yet: no scope role in this database (Postgres)."""
    if engine.dialect.name != "postgresql":
        return []
    wanted = sorted(set(tenants))
    async with engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT s.tenant FROM audit_auditor_scopes s "
                "JOIN pg_roles r ON r.rolname = s.role_name WHERE s.tenant = ANY(:tenants)"
            ),
            {"tenants": wanted},
        )
        present = {row[0] for row in found}
    return [t for t in wanted if t not in present]


def scope_hint(tenants: Iterable[str]) -> str:
    """What an operator runs to give `tenants` an auditor scope role."""
    names = ", ".join(sorted(tenants))
    return (
        f"run `modelgw audit migrate --config FILE` as the schema owner, with {names} in "
        "FILE's tenants (or set audit.migrate_on_start = true where the audit service may "
        "create roles, and restart it)"
    )


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
