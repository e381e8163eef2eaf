"""The response cache in Redis, shared by gateway replicas, that can never hold a request up.

A drill black-holed Redis (connections accepted, nothing answered): with no
socket timeout every deterministic request hung until its caller's deadline.
Here each lookup has `timeout_ms` in all (pool wait, connect, read) and then
counts as a miss; `breaker_failures` failures in a row trip a breaker, and
while it is open every lookup is a miss at once, without touching Redis. Writes
run in the background: the caller has its answer before Redis is asked to keep
it, and a write that fails is only logged (and counted by the breaker).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from modelgw.common.config.routing import BreakerConfig
from modelgw.common.config.schema import CacheConfig
from modelgw.common.redis_client import redis_client
from modelgw.gateway.cache import CachedAnswer, decode, encode
from modelgw.gateway.routing.breaker import CircuitBreaker

if TYPE_CHECKING:  # redis-py is imported by `redis_client`, when a Redis cache is configured
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

MAX_PENDING_WRITES = 256
"""Writes waiting for Redis at most; more are dropped (a cache entry is never owed)."""


class RedisCache:
    stores = True

    def __init__(
        self, client: Redis, ttl_s: int, *, timeout_s: float, breaker: BreakerConfig
    ) -> None:
        self._redis = client
        self._ttl_s = ttl_s
        self._timeout_s = timeout_s
        self._breaker = CircuitBreaker(breaker)
        self._writes: set[asyncio.Task[None]] = set()

    @classmethod
    def from_config(cls, config: CacheConfig) -> RedisCache:
        timeout_s = config.timeout_ms / 1000
        breaker = BreakerConfig(
            failure_threshold=config.breaker_failures, open_s=config.breaker_open_s
        )
        client = redis_client(config, timeout_s=timeout_s)
        return cls(client, config.ttl_s, timeout_s=timeout_s, breaker=breaker)

    async def get(self, key: str) -> CachedAnswer | None:
        if not self._breaker.try_acquire():
            return None
        try:
            async with asyncio.timeout(self._timeout_s):
                raw = await self._redis.get(key)
        except Exception as exc:
            self._failed("read", exc)
            return None
        except BaseException:  # cancelled (the caller left): no verdict on Redis
            self._breaker.release()
            raise
        self._breaker.on_success()
        return decode(raw) if raw is not None else None

    async def put(self, key: str, answer: CachedAnswer) -> None:
        """Schedule the write and return at once."""
        if len(self._writes) >= MAX_PENDING_WRITES:
            return
        task = asyncio.create_task(self._write(key, encode(answer)), name="cache-write")
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, key: str, value: str) -> None:
        if not self._breaker.try_acquire():
            return
        try:
            async with asyncio.timeout(self._timeout_s):
                await self._redis.set(key, value, ex=self._ttl_s)
        except Exception as exc:
            self._failed("write", exc)
            return
        except BaseException:  # cancelled at close
            self._breaker.release()
            raise
        self._breaker.on_success()

    def _failed(self, what: str, exc: Exception) -> None:
        self._breaker.on_failure()
        # TimeoutError's text is empty: the type says what happened.
        log.warning("response cache %s failed, treating as a miss: %s", what, type(exc).__name__)

    async def close(self) -> None:
        """Let the writes still pending finish (each is bounded by the timeout), then close."""
        if self._writes:
            await asyncio.wait(set(self._writes), timeout=self._timeout_s * 2)
        for task in list(self._writes):
            task.cancel()
        await self._redis.aclose()
