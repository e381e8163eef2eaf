"""How a Postgres client waits and how many connections it holds: one shape for the audit
and the control store."""

from __future__ import annotations

from pydantic import Field

from modelgw.common.config.base import StrictModel


class DatabaseTimeouts(StrictModel):
    """Without these a database that accepts connections and then says nothing (frozen,
    behind a broken proxy) holds every caller for as long as the kernel keeps the socket.
    They apply to Postgres; SQLite is a local file."""

    connect_timeout_s: float = Field(default=5.0, gt=0, le=300)
    """Longest wait for a new connection (TCP, TLS, authentication)."""
    statement_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    """Longest wait for one statement's answer; then the connection is dropped and the
    operation fails (a spooled write is retried later). The operator commands, which may
    scan or delete a whole tenant (`modelgw audit purge`, `verify`, `export`, `migrate`,
    `modelgw control migrate`), run without it."""


class DatabasePool(StrictModel):
    """The connections one process keeps to a Postgres store (SQLAlchemy's queue pool).

    Sized by config so that a deployment can fit its processes within the server's
    `max_connections`. A burst beyond the pool waits for a connection to come back,
    up to `pool_timeout_s`, instead of opening more. The defaults are SQLAlchemy's own.
    They apply to Postgres; SQLite keeps SQLAlchemy's pool for a local file."""

    pool_size: int = Field(default=5, ge=1, le=1000)
    """Connections kept open once opened."""
    max_overflow: int = Field(default=10, ge=0, le=1000)
    """Connections opened beyond `pool_size` while a burst needs them, and closed when
    they come back: at most `pool_size + max_overflow` at once."""
    pool_timeout_s: float = Field(default=30.0, gt=0, le=600)
    """Longest wait for a free connection when all are in use; then the operation fails
    with SQLAlchemy's `TimeoutError` ("QueuePool limit of size … overflow … reached"),
    which the audit service answers as UNAVAILABLE (the sender keeps the records spooled
    and retries)."""


class DatabaseClient(DatabaseTimeouts, DatabasePool):
    """A store's Postgres client: its timeouts and its pool."""
