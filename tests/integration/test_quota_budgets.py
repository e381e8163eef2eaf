"""Spend budgets and finer limits through the gateway, counted in the real Redis.

The backend answers after 300 ms and reports exactly the completion tokens a
request reserved (its `max_tokens`), at a price of 0.001 USD per completion
token and nothing for the prompt: each request holds, and then costs,
exactly 0.01 USD. 200 requests at once against a 1 USD budget: exactly 100
are served, whatever order their reservations and settlements interleave in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from redis.asyncio import Redis

from modelgw.api.v1 import common_pb2
from modelgw.common.messages import Usage
from modelgw.gateway.quotas.limits import MICRO_USD, Limit, Unit, Window
from modelgw.gateway.quotas.redis_store import RedisQuotaStore
from modelgw.gateway.quotas.store import Charge, Refusal
from tests.conftest import REDIS_URL
from tests.control_support import (
    ControlGateway,
    auth,
    control_config,
    control_gateway,
    slow_backends,
)
from tests.harness import generate_request

MAX_TOKENS = 10
PRICED = {"prices": {"*": {"input_per_million": 0, "output_per_million": 1000}}}


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def _config(redis_prefix: str, quotas: dict[str, object]):
    return control_config(
        "sqlite+aiosqlite://",
        {
            "providers": {"echo-a": PRICED, "echo-b": PRICED},
            "quotas": {
                "store": "redis",
                "redis_url": REDIS_URL,
                "key_prefix": f"{redis_prefix}q",
                "timeout_ms": 5000,  # 200 requests at once on a loaded CI machine
            },
            "tenants": {"acme": {"quotas": quotas}},
        },
    )


@pytest.fixture
async def budget_gateway(redis_prefix: str, trust_engine) -> AsyncIterator[ControlGateway]:
    config = _config(redis_prefix, {"usd_per_day": 1.0})
    backends = slow_backends(0.3, Usage(prompt_tokens=3, completion_tokens=MAX_TOKENS))
    async with control_gateway(config, trust_engine=trust_engine, backends=backends) as gw:
        yield gw


async def _generate(gw: ControlGateway, end_user: str = "", who: str = "acme-user") -> str:
    request = generate_request(
        "hello",
        params=common_pb2.GenerationParams(max_tokens=MAX_TOKENS),
        caller=common_pb2.CallerMetadata(end_user=end_user),
    )
    try:
        await gw.gateway.Generate(request, metadata=auth(who))
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, exc
        return exc.details() or ""
    return "OK"


async def test_200_concurrent_requests_against_a_budget_for_100_serve_exactly_100(
    budget_gateway: ControlGateway, redis: Redis, redis_prefix: str
) -> None:
    outcomes = await asyncio.gather(*(_generate(budget_gateway) for _ in range(200)))
    served = outcomes.count("OK")
    refused = [o for o in outcomes if o != "OK"]
    assert served == 100
    assert len(refused) == 100
    assert all("tenant 'acme' reached usd_per_day (1.00 USD)" in o for o in refused)
    spent = await redis.hgetall(f"{redis_prefix}q:acme:tenant:usd_per_day")
    assert sum(int(v) for v in spent.values()) == 1 * MICRO_USD
    assert await _generate(budget_gateway) != "OK", "still spent after every settlement"


async def test_per_key_and_per_end_user_limits_through_the_gateway(
    redis_prefix: str, trust_engine
) -> None:
    config = _config(
        redis_prefix,
        {"per_key": {"requests_per_minute": 3}, "per_end_user": {"requests_per_minute": 2}},
    )
    async with control_gateway(config, trust_engine=trust_engine, backends=slow_backends()) as gw:
        assert [await _generate(gw, "agent-7") for _ in range(2)] == ["OK", "OK"]
        third = await _generate(gw, "agent-7")
        assert "this end user of tenant 'acme' reached requests_per_minute (2)" in third
        assert await _generate(gw, "agent-8") == "OK"  # the key's third request
        fourth = await _generate(gw, "agent-9")
        assert "key 'user' of tenant 'acme' reached requests_per_minute (3)" in fourth
        assert "agent-9" not in fourth


async def test_the_redis_window_slides_across_a_minute_edge(
    redis: Redis, redis_prefix: str
) -> None:
    """Ten at :59.9 and ten more at :00.1 passed with calendar minutes; not any more."""
    store = RedisQuotaStore(redis, key_prefix=f"{redis_prefix}s", timeout_s=2)
    limit = Limit("requests_per_minute", 10, Window(60), Unit.REQUESTS)
    edge = 1_700_000_040.0  # a calendar minute starts here
    for _ in range(10):
        assert not isinstance(await store.reserve("acme", [Charge(limit, 1)], edge - 0.1), Refusal)
    refused = await store.reserve("acme", [Charge(limit, 1)], edge + 0.1)
    assert isinstance(refused, Refusal)
    assert 57 <= refused.retry_after_s <= 63
    later = edge + 0.1 + refused.retry_after_s
    assert not isinstance(await store.reserve("acme", [Charge(limit, 1)], later), Refusal)
