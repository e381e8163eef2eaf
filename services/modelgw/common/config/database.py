"""How long a Postgres client waits: one shape for the audit and the control store."""

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
