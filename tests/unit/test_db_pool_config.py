"""The audit and control stores' Postgres pools come from config (#19); SQLite keeps its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.pool import QueuePool, StaticPool

from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.control import ControlConfig
from modelgw.common.db_engine import pool_args, store_engine

PG_URL = "postgresql+asyncpg://modelgw@127.0.0.1:5432/modelgw"


@pytest.mark.parametrize("section", [AuditConfig, ControlConfig])
async def test_a_postgres_store_gets_the_configured_pool(section: type[AuditConfig]) -> None:
    config = section(url=PG_URL, pool_size=3, max_overflow=1, pool_timeout_s=2.5)
    engine = store_engine(PG_URL, config)  # nothing connects until a query
    try:
        assert isinstance(engine.pool, QueuePool)
        assert (engine.pool.size(), engine.pool.timeout()) == (3, 2.5)
        assert pool_args(PG_URL, config)["max_overflow"] == 1
    finally:
        await engine.dispose()


async def test_the_defaults_are_sqlalchemys_own() -> None:
    """A config without the keys keeps the pool it had before they existed."""
    engine = store_engine(PG_URL, ControlConfig(url=PG_URL))
    try:
        assert isinstance(engine.pool, QueuePool)
        assert (engine.pool.size(), engine.pool.timeout()) == (5, 30.0)
        assert pool_args(PG_URL, ControlConfig(url=PG_URL))["max_overflow"] == 10
    finally:
        await engine.dispose()


async def test_an_in_memory_sqlite_store_takes_no_pool_size() -> None:
    """SQLAlchemy gives it one shared connection, which a size would break."""
    url = "sqlite+aiosqlite://"
    engine = store_engine(url, ControlConfig(url=url, pool_size=2))
    try:
        assert isinstance(engine.pool, StaticPool)
        assert pool_args(url, ControlConfig(url=url, pool_size=2)) == {}
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("field", "value"), [("pool_size", 0), ("max_overflow", -1), ("pool_timeout_s", 0)]
)
def test_a_pool_that_could_not_serve_is_refused(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        AuditConfig.model_validate({"url": PG_URL, field: value})


async def test_only_postgres_connections_are_pinged_at_checkout(tmp_path: Path) -> None:
    """A ping finds a Postgres connection the server dropped; a SQLite file has none to
    drop, and pinging it costs every audit transaction four thread hand-offs."""
    url = f"sqlite+aiosqlite:///{tmp_path}/store.db"
    postgres, sqlite = (
        store_engine(PG_URL, AuditConfig(url=PG_URL)),
        store_engine(url, AuditConfig(url=url)),
    )
    try:
        assert postgres.pool._pre_ping
        assert not sqlite.pool._pre_ping
    finally:
        await postgres.dispose()
        await sqlite.dispose()
