"""The response cache on the real Redis: the tests of tests/unit/gateway/test_response_cache.py,
and what the shared entries hold (masked text only, with the TTL)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from modelgw.gateway.cache import KEY_PREFIX
from tests.conftest import REDIS_URL
from tests.harness import running_gateway
from tests.unit.gateway import test_response_cache as cached
from tests.unit.gateway.test_response_cache import auth, cache_config, deterministic


@pytest.fixture
async def cache() -> AsyncIterator[dict[str, Any]]:
    yield {"backend": "redis", "redis_url": REDIS_URL, "ttl_s": 60}
    client = aioredis.Redis.from_url(REDIS_URL)
    with contextlib.suppress(Exception):
        async for key in client.scan_iter(match=f"{KEY_PREFIX}:*"):
            await client.delete(key)
    await client.aclose()


gateway = cached.gateway

test_same_masked_prompt_is_served_from_cache_and_restored_per_caller = (
    cached.test_same_masked_prompt_is_served_from_cache_and_restored_per_caller
)
test_tenants_never_share_cache_entries = cached.test_tenants_never_share_cache_entries
test_sampled_requests_are_not_cached = cached.test_sampled_requests_are_not_cached


async def test_redis_entries_hold_masked_text_only(tmp_path: Path, trust_engine) -> None:
    config = cache_config(tmp_path, {"backend": "redis", "redis_url": REDIS_URL, "ttl_s": 60})
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        await gw.gateway.Generate(
            deterministic("Email Grace Hopper at grace.hopper@example.com"),
            metadata=auth("globex"),
        )
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        keys = [k async for k in client.scan_iter(match=f"{KEY_PREFIX}:globex:*")]
        assert keys
        stored = [await client.get(k) for k in keys]  # bytes: no decode_responses
        values = b"".join(v for v in stored if isinstance(v, bytes))
        ttls = [await client.ttl(k) for k in keys]
        for k in keys:
            await client.delete(k)
    finally:
        await client.aclose()
    assert b"Grace" not in values and b"grace.hopper" not in values
    assert b"<PERSON_1>" in values
    assert all(0 < ttl <= 60 for ttl in ttls)
