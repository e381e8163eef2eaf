"""The response cache's parts: what is cacheable, what the key holds, how entries age."""

from __future__ import annotations

import dataclasses

import pytest
import redis.asyncio as aioredis

from modelgw.common.config.routing import BreakerConfig
from modelgw.common.messages import ChatMessage, FinishReason, GenerationParams, Role, Usage
from modelgw.gateway.cache import (
    KEY_PREFIX,
    CachedAnswer,
    MemoryCache,
    NoCache,
    cache_key,
    is_cacheable,
)
from modelgw.gateway.redis_cache import RedisCache
from tests.ports import free_port

MASKED = [ChatMessage(Role.USER, "Write to <EMAIL_ADDRESS_1>")]
GREEDY = GenerationParams(temperature=0)
ANSWER = CachedAnswer("Done, <EMAIL_ADDRESS_1>.", FinishReason.STOP, Usage(3, 2))


def test_only_deterministic_requests_are_cacheable() -> None:
    assert is_cacheable(GenerationParams(temperature=0))
    assert is_cacheable(GenerationParams(temperature=0.8, seed=3))
    assert not is_cacheable(GenerationParams(temperature=0.8))
    assert not is_cacheable(GenerationParams())  # the backend's default temperature samples


def test_the_key_names_the_tenant_and_hashes_everything_else() -> None:
    key = cache_key("acme", "chat", "cloud", MASKED, GREEDY)
    prefix, tenant, digest = key.rsplit(":", 2)
    assert (prefix, tenant) == (KEY_PREFIX, "acme")
    assert len(digest) == 64 and "EMAIL" not in key
    assert key == cache_key("acme", "chat", "cloud", list(MASKED), GenerationParams(temperature=0))


def test_every_part_of_the_request_changes_the_key() -> None:
    key = cache_key("acme", "chat", "cloud", MASKED, GREEDY)
    others = [
        cache_key("globex", "chat", "cloud", MASKED, GREEDY),
        cache_key("acme", "other-model", "cloud", MASKED, GREEDY),
        cache_key("acme", "chat", "onprem", MASKED, GREEDY),
        cache_key("acme", "chat", "cloud", [ChatMessage(Role.SYSTEM, MASKED[0].content)], GREEDY),
        cache_key("acme", "chat", "cloud", MASKED, dataclasses.replace(GREEDY, max_tokens=5)),
        cache_key("acme", "chat", "cloud", MASKED, dataclasses.replace(GREEDY, stop=("x",))),
    ]
    assert len({key, *others}) == len(others) + 1


class Clock:
    """Stands in for the `time` module inside `modelgw.gateway.cache`."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


async def test_memory_cache_round_trips_and_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr("modelgw.gateway.cache.time", clock)
    cache = MemoryCache(ttl_s=60)
    await cache.put("k", ANSWER)
    clock.now += 59
    assert await cache.get("k") == ANSWER
    clock.now += 2
    assert await cache.get("k") is None


async def test_memory_cache_drops_the_least_recently_used_entry() -> None:
    cache = MemoryCache(ttl_s=60, max_entries=2)
    await cache.put("a", ANSWER)
    await cache.put("b", ANSWER)
    assert await cache.get("a") == ANSWER  # now "b" is the least recently used
    await cache.put("c", ANSWER)
    assert await cache.get("b") is None
    assert await cache.get("a") == ANSWER and await cache.get("c") == ANSWER


async def test_no_cache_never_answers() -> None:
    cache = NoCache()
    await cache.put("k", ANSWER)
    assert await cache.get("k") is None


async def test_a_redis_cache_that_cannot_be_reached_is_a_miss_not_an_error() -> None:
    client = aioredis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=2)
    cache = RedisCache(client, ttl_s=60, timeout_s=2, breaker=BreakerConfig())
    try:
        await cache.put("k", ANSWER)
        assert await cache.get("k") is None
    finally:
        await cache.close()


async def test_a_cancelled_lookup_does_not_leave_the_cache_breaker_stuck() -> None:
    """A caller that leaves during the half-open probe must not keep the probe taken."""
    import asyncio

    client = aioredis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=2)
    cache = RedisCache(client, 60, timeout_s=2, breaker=BreakerConfig(failure_threshold=1))
    try:
        assert await cache.get("k") is None  # refused: the breaker opens
        cache._breaker._opened_at = -1e9  # the open period is over: half-open
        probe = asyncio.create_task(cache.get("k"))
        await asyncio.sleep(0)
        probe.cancel()
        with pytest.raises(asyncio.CancelledError):
            await probe
        assert cache._breaker.try_acquire(), "the next lookup may probe"
    finally:
        await cache.close()
