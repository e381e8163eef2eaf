"""A burst of four times the Redis pool waits for connections; nothing is refused (#19).

At c=128 the quota step refused exactly 28 requests with "quota store unreachable
(MaxConnectionsError)": redis-py's default pool raises when every connection is
out instead of waiting, so a burst read as Redis being down. The pool that
`redis_client` builds blocks (bounded by the step's timeout).
"""

from __future__ import annotations

import asyncio
import time
import uuid

from modelgw.common.config.redis import RedisConnection
from modelgw.common.redis_client import redis_client
from modelgw.gateway.quotas.limits import MINUTE, Limit, Unit, Window
from modelgw.gateway.quotas.redis_store import RedisQuotaStore
from modelgw.gateway.quotas.store import Charge, Hold
from tests.conftest import REDIS_URL

POOL = 4
BURST = 4 * POOL
HOLD_S = 0.3


async def test_a_burst_of_four_times_the_pool_waits_for_connections() -> None:
    client = redis_client(RedisConnection(redis_url=REDIS_URL, max_connections=POOL), timeout_s=10)
    keys = [f"mgw-test-burst:{uuid.uuid4().hex}:{i}" for i in range(BURST)]
    try:
        started = time.monotonic()
        # BLPOP on an empty list holds its connection for HOLD_S without loading the server.
        answers = await asyncio.gather(*(client.blpop([key], timeout=HOLD_S) for key in keys))
        elapsed = time.monotonic() - started
    finally:
        await client.aclose()
    assert answers == [None] * BURST  # every command ran; none was refused
    # At most POOL ran at once: BURST / POOL waves of HOLD_S each (a lower bound only, so a
    # loaded machine cannot fail it).
    assert elapsed >= (BURST / POOL) * HOLD_S * 0.9, elapsed


async def test_quota_reservations_beyond_the_pool_are_all_granted() -> None:
    client = redis_client(RedisConnection(redis_url=REDIS_URL, max_connections=POOL), timeout_s=10)
    store = RedisQuotaStore(client, key_prefix=f"mgw-test-burst:{uuid.uuid4().hex}", timeout_s=10)
    limit = Limit("requests_per_minute", 10 * BURST, Window(span_s=MINUTE), Unit.REQUESTS)
    try:
        outcomes = await asyncio.gather(
            *(store.reserve("dev", [Charge(limit, 1)], now=time.time()) for _ in range(8 * BURST))
        )
    finally:
        await client.aclose()
    # Each a tuple of holds: none refused by the limit, none failed as an unreachable store.
    assert all(isinstance(o, tuple) and isinstance(o[0], Hold) for o in outcomes), outcomes
