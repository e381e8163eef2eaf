"""The SQLAlchemy async engine of a store, with the configured timeouts on Postgres."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from modelgw.common.config.database import DatabaseTimeouts


def connect_args(
    url: str, timeouts: DatabaseTimeouts, *, maintenance: bool = False
) -> dict[str, float]:
    """asyncpg's own bounds: `timeout` for connecting, `command_timeout` for each statement.

    `maintenance` (the CLI's purge, verify, migrate) keeps the connect bound only: those
    jobs take as long as their work, and someone is watching them.
    """
    if not make_url(url).drivername.startswith("postgresql"):
        return {}
    args = {"timeout": timeouts.connect_timeout_s}
    if not maintenance:
        args["command_timeout"] = timeouts.statement_timeout_s
    return args


def store_engine(url: str, timeouts: DatabaseTimeouts, *, maintenance: bool = False) -> AsyncEngine:
    args = connect_args(url, timeouts, maintenance=maintenance)
    return create_async_engine(url, pool_pre_ping=True, connect_args=args)
