"""An asyncio Redis client for a `RedisConnection` from the config, its password resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgw.common.config.redis import RedisConnection
from modelgw.common.config.secrets import resolve_secret

if TYPE_CHECKING:
    from redis.asyncio import Redis


def redis_client(connection: RedisConnection, *, timeout_s: float | None = None) -> Redis:
    """`timeout_s` bounds connecting, each command, and the wait for a free connection
    (no bound when None).

    The pool blocks: with all `max_connections` in use a command waits for one to come
    back. redis-py's default pool raises at once instead, so a burst of concurrent requests
    was refused as if Redis were down.
    """
    from redis.asyncio import BlockingConnectionPool, Redis

    password = resolve_secret(connection.redis_password) if connection.redis_password else None
    pool = BlockingConnectionPool.from_url(
        connection.redis_url,
        password=password,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        max_connections=connection.max_connections,
        timeout=timeout_s,
    )
    return Redis.from_pool(pool)  # the client owns the pool: closing it closes the pool
