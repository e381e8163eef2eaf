"""The Redis quota store reports each counter after a reservation: the headroom metric's source."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from modelgw.gateway.quotas import Charge, tenant_limits
from modelgw.gateway.quotas.redis_store import RedisQuotaStore
from tests.configs import tenant
from tests.conftest import REDIS_URL


async def test_redis_store_reports_each_counter_after_a_reservation(redis_prefix: str) -> None:
    quotas = {"requests_per_minute": 5, "tokens_per_minute": 100}
    limits = tenant_limits(tenant("acme", quotas=quotas).quotas)
    charges = [Charge(limit, 25 if limit.counts_tokens else 1) for limit in limits]
    client = Redis.from_url(REDIS_URL)
    try:
        store = RedisQuotaStore(client, key_prefix=f"{redis_prefix}quota", timeout_s=2)
        now = time.time()
        if now % 60 > 55:  # both reservations in one window
            now += 60 - now % 60
        first = await store.reserve("acme", charges, now)
        second = await store.reserve("acme", charges, now)
    finally:
        await client.aclose()
    assert isinstance(first, tuple) and isinstance(second, tuple)
    assert {h.limit.name: h.used for h in first} == {
        "requests_per_minute": 1,
        "tokens_per_minute": 25,
    }
    assert {h.limit.name: h.used for h in second} == {
        "requests_per_minute": 2,
        "tokens_per_minute": 50,
    }
