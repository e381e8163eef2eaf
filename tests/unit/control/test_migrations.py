"""The control migrations build exactly the tables the code uses (checked on SQLite), and
share a database with the audit schema, each with its own version table."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.migrate import current_revision as audit_revision
from modelgw.audit.migrate import migrate as migrate_audit
from modelgw.audit.store import HEAD_REVISION as AUDIT_HEAD
from modelgw.control.migrate import HEAD_REVISION, VERSION_TABLE, current_revision, migrate
from modelgw.control.tables import metadata


async def test_migrations_at_head_match_the_table_definitions(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/control.db")
    try:
        await migrate(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"version_table": VERSION_TABLE}),
                    metadata,
                )
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_the_control_and_audit_schemas_share_a_database(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/shared.db")
    try:
        await migrate_audit(engine)
        await migrate(engine)
        await migrate_audit(engine)  # each finds its own revision, not the other's
        assert await current_revision(engine) == HEAD_REVISION
        assert await audit_revision(engine) == AUDIT_HEAD
    finally:
        await engine.dispose()
