"""An asyncio Redis client for a `RedisConnection` from the config, its password resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgw.common.config.redis import RedisConnection
from modelgw.common.config.secrets import resolve_secret

if TYPE_CHECKING:
    from redis.asyncio import Redis


def redis_client(connection: RedisConnection, *, timeout_s: float | None = None) -> Redis:
    """`timeout_s` bounds connecting and each command (no bound when None)."""
    from redis.asyncio import Redis

    password = resolve_secret(connection.redis_password) if connection.redis_password else None
    return Redis.from_url(
        connection.redis_url,
        password=password,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
    )
