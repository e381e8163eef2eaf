"""Insert a batch of audit rows in one statement.

On Postgres the rows go as one array per column through `unnest`, sent by
asyncpg on the connection of the current SQLAlchemy transaction: one round
trip and no per-row parameter processing, which is most of the cost of a
plain multi-row INSERT. (COPY would be faster still, but Postgres refuses
COPY FROM for a role under row-level security, which the app role is.)
Elsewhere it is a plain SQLAlchemy executemany.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Integer, LargeBinary, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from modelgw.audit.pacing import AT_ONCE, Pacing
from modelgw.audit.tables import audit_records

if TYPE_CHECKING:
    import asyncpg

_COLUMNS = [c for c in audit_records.columns if c.name != "id"]
_INSERT = insert(audit_records)
"""Built once (an executemany of it on SQLite)."""


def _pg_type(column: Any) -> str:
    kind = column.type
    if isinstance(kind, JSON):
        return "text"
    if isinstance(kind, BigInteger):
        return "int8"
    if isinstance(kind, Integer):
        return "int4"
    if isinstance(kind, DateTime):
        return "timestamptz"
    if isinstance(kind, Float):
        return "float8"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, LargeBinary):
        return "bytea"
    return "text"


_NAMES = ", ".join(c.name for c in _COLUMNS)
_SELECT = ", ".join(
    f"u.{c.name}::json" if isinstance(c.type, JSON) else f"u.{c.name}" for c in _COLUMNS
)
_ARRAYS = ", ".join(f"${i}::{_pg_type(c)}[]" for i, c in enumerate(_COLUMNS, start=1))
UNNEST_INSERT = (
    f"INSERT INTO audit_records ({_NAMES}) SELECT {_SELECT} "  # noqa: S608 - fixed columns
    f"FROM unnest({_ARRAYS}) AS u({_NAMES})"
)
_JSON_COLUMNS = {c.name for c in _COLUMNS if isinstance(c.type, JSON)}


class RowRejected(Exception):
    """Postgres refused the data itself (bad value, constraint); retrying will not help."""


def is_data_error(exc: BaseException) -> bool:
    """Class 22 (data exception) or 23 (integrity): the row is at fault, not the connection."""
    import asyncpg

    state = getattr(exc, "sqlstate", None) or ""
    return isinstance(exc, asyncpg.PostgresError) and state[:2] in {"22", "23"}


async def insert_rows(
    conn: AsyncConnection, rows: Sequence[dict[str, Any]], pacing: Pacing = AT_ONCE
) -> None:
    if conn.dialect.name != "postgresql":
        # In parts: building each row's parameters is Python on the loop's thread (`pacing`).
        for start in range(0, len(rows), pacing.every):
            await conn.execute(_INSERT, list(rows[start : start + pacing.every]))
            await pacing.after(start + pacing.every)
        return
    # Here, not with the module: a gateway auditing to SQLite has no use for asyncpg (issue 19).
    import asyncpg

    arrays = []
    for column in _COLUMNS:
        name = column.name
        if name in _JSON_COLUMNS:
            arrays.append([json.dumps(row[name]) for row in rows])
        else:
            arrays.append([row[name] for row in rows])
    raw = await conn.get_raw_connection()
    driver: asyncpg.Connection | None = raw.driver_connection
    assert driver is not None  # a checked-out connection has its asyncpg connection
    try:
        await driver.execute(UNNEST_INSERT, *arrays)
    except asyncpg.PostgresError as exc:
        if is_data_error(exc):
            raise RowRejected(f"{type(exc).__name__}: {exc}"[:2000]) from exc
        raise
