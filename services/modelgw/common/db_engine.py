"""The SQLAlchemy async engine of a store, with the configured timeouts and pool on Postgres."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from modelgw.common.config.database import DatabaseClient, DatabasePool, DatabaseTimeouts


def connect_args(
    url: str, timeouts: DatabaseTimeouts, *, maintenance: bool = False
) -> dict[str, float]:
    """asyncpg's own bounds: `timeout` for connecting, `command_timeout` for each statement.

    `maintenance` (the CLI's purge, verify, migrate) keeps the connect bound only: those
    jobs take as long as their work, and someone is watching them.
    """
    if not _postgres(url):
        return {}
    args = {"timeout": timeouts.connect_timeout_s}
    if not maintenance:
        args["command_timeout"] = timeouts.statement_timeout_s
    return args


def pool_args(url: str, pool: DatabasePool) -> dict[str, Any]:
    """The queue pool's size and wait, for Postgres. SQLite keeps SQLAlchemy's choice of
    pool: one shared connection for an in-memory database, which takes no size."""
    if not _postgres(url):
        return {}
    return {
        "pool_size": pool.pool_size,
        "max_overflow": pool.max_overflow,
        "pool_timeout": pool.pool_timeout_s,
    }


def store_engine(url: str, client: DatabaseClient, *, maintenance: bool = False) -> AsyncEngine:
    """Postgres connections are pinged at checkout (a server restart or an idle timeout
    drops them); a SQLite file cannot go away under an open connection, and its ping is
    four hand-offs to aiosqlite's thread on every transaction."""
    args = connect_args(url, client, maintenance=maintenance)
    return create_async_engine(
        url, pool_pre_ping=_postgres(url), connect_args=args, **pool_args(url, client)
    )


def _postgres(url: str) -> bool:
    return make_url(url).drivername.startswith("postgresql")
