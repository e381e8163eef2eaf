"""Which database errors mean "the database cannot be reached" rather than "this request is bad".

The audit sender retries on them, and every gRPC service answers them UNAVAILABLE (a
client should retry later) instead of INTERNAL (a bug here): a Postgres restart, a network
cut or a pool that stayed full past `pool_timeout_s` is an outage, not a defect.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def is_connection_error(exc: BaseException) -> bool:
    """Whether a database error means "cannot reach the database" rather than "bad record".

    A pool with no free connection within `pool_timeout_s` counts: the store is busy (or
    its connections hang), and the writer should retry later, as for an outage."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated
