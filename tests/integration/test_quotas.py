"""Quotas against the real Redis: atomic reservations, tenant isolation, reconcile, and
the refusal as callers of the gRPC and HTTP front doors see it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from redis.asyncio import Redis

from modelgw.api.v1 import audit_pb2, common_pb2
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import QuotaExceeded
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.gateway.quotas import Quotas
from modelgw.gateway.quotas.redis_store import RedisQuotaStore
from tests.configs import TenantQuotas, gateway_config, merged
from tests.conftest import REDIS_URL
from tests.harness import (
    RecordingBackend,
    RunningGateway,
    echo_backend,
    generate_request,
    request_id_of,
    running_gateway,
)
from tests.http_harness import running_http_gateway

KEY = "mgw_test_quota_key_0123456789"
AUTH = (("authorization", f"Bearer {KEY}"),)
PROMPT = [ChatMessage(Role.USER, "x" * 40)]


def _config(prefix: str, tmp_path: Path, changes: Any = None, **quotas: int) -> ModelgwConfig:
    """Tenants `dev` and `other` with the same `quotas`, counted in Redis under `prefix`."""
    return gateway_config(
        merged(
            {
                "quotas": {
                    "store": "redis",
                    "redis_url": REDIS_URL,
                    "key_prefix": f"{prefix}quota",
                },
                "tenants": {"dev": {"quotas": quotas}, "other": {"quotas": quotas}},
            },
            changes or {},
        ),
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def _quotas(config: ModelgwConfig, redis: Redis) -> TenantQuotas:
    store = RedisQuotaStore(redis, key_prefix=config.quotas.key_prefix, timeout_s=2)
    return TenantQuotas.of(Quotas(config, store), config)


async def _counted(redis: Redis, prefix: str, tenant: str, limit: str) -> int:
    """Every bucket of the tenant's own counter of `limit` (a hash of buckets)."""
    buckets = await redis.hgetall(f"{prefix}quota:{tenant}:tenant:{limit}")
    return sum(int(v) for v in buckets.values())


async def _away_from_a_minute_edge() -> None:
    """Tests that count to a per-minute limit must not straddle two windows."""
    left = 60 - time.time() % 60
    if left < 5:
        await asyncio.sleep(left + 0.1)


async def test_fifty_concurrent_reservations_admit_exactly_ten(
    redis: Redis, redis_prefix: str, tmp_path: Path
) -> None:
    await _away_from_a_minute_edge()
    quotas = _quotas(_config(redis_prefix, tmp_path, requests_per_minute=10), redis)
    outcomes = await asyncio.gather(
        *(quotas.reserve("dev", PROMPT, GenerationParams(max_tokens=5)) for _ in range(50)),
        return_exceptions=True,
    )
    admitted = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(admitted) == 10
    assert all(isinstance(o, QuotaExceeded) for o in refused)
    assert await _counted(redis, redis_prefix, "dev", "requests_per_minute") == 10


async def test_all_or_nothing_and_tenant_isolation(
    redis: Redis, redis_prefix: str, tmp_path: Path
) -> None:
    await _away_from_a_minute_edge()
    config = _config(redis_prefix, tmp_path, requests_per_minute=5, tokens_per_minute=30)
    quotas = _quotas(config, redis)
    await quotas.reserve("dev", PROMPT, GenerationParams(max_tokens=15))  # 25 tokens
    with pytest.raises(QuotaExceeded, match="reached tokens_per_minute \\(30\\); retry in"):
        await quotas.reserve("dev", PROMPT, GenerationParams(max_tokens=15))
    # The refused reservation incremented nothing, not even the request count.
    assert await _counted(redis, redis_prefix, "dev", "requests_per_minute") == 1
    assert await _counted(redis, redis_prefix, "dev", "tokens_per_minute") == 25
    await quotas.reserve("other", PROMPT, GenerationParams(max_tokens=15))
    assert await _counted(redis, redis_prefix, "other", "tokens_per_minute") == 25


async def test_reconcile_refunds_charges_and_gives_back_on_no_answer(
    redis: Redis, redis_prefix: str, tmp_path: Path
) -> None:
    await _away_from_a_minute_edge()
    config = _config(redis_prefix, tmp_path, requests_per_minute=5, tokens_per_day=1000)
    quotas = _quotas(config, redis)
    held = await quotas.reserve("dev", PROMPT, GenerationParams(max_tokens=90))  # 100
    await quotas.settle(held, 12)
    assert await _counted(redis, redis_prefix, "dev", "tokens_per_day") == 12
    held = await quotas.reserve("dev", PROMPT, GenerationParams(max_tokens=10))  # 20
    await quotas.settle(held, 50)
    assert await _counted(redis, redis_prefix, "dev", "tokens_per_day") == 62
    held = await quotas.reserve("dev", PROMPT, GenerationParams(max_tokens=10))
    await quotas.settle(held, None)
    assert await _counted(redis, redis_prefix, "dev", "tokens_per_day") == 62
    assert await _counted(redis, redis_prefix, "dev", "requests_per_minute") == 2
    keys = [k async for k in redis.scan_iter(match=f"{redis_prefix}quota:dev:*")]
    ttls = [await redis.ttl(k) for k in keys]
    assert keys and all(0 < ttl <= 86400 + 72 * 60 + 60 for ttl in ttls)


@contextlib.asynccontextmanager
async def _gateway(
    config: ModelgwConfig, trust_engine: Any
) -> AsyncIterator[tuple[RunningGateway, RecordingBackend]]:
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        yield gw, echo


async def test_grpc_refusal_has_retry_after_and_reaches_no_backend(
    redis_prefix: str, tmp_path: Path, trust_engine
) -> None:
    await _away_from_a_minute_edge()
    config = _config(redis_prefix, tmp_path, requests_per_minute=2)
    async with _gateway(config, trust_engine) as (gw, echo):
        for _ in range(2):
            await gw.gateway.Generate(generate_request("hello there"), metadata=AUTH)
        request = generate_request("hello again", request_id="quota-refused-1")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await gw.gateway.Generate(request, metadata=AUTH)
        with pytest.raises(grpc.aio.AioRpcError) as refused_stream:
            async for _ in gw.gateway.GenerateStream(generate_request("and again"), metadata=AUTH):
                pass
        assert len(echo.received) == 2
        record = await gw.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=request_id_of(refused.value)), metadata=AUTH
        )
    for caught in (refused.value, refused_stream.value):
        assert caught.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "tenant 'dev' reached requests_per_minute (2); retry in" in (caught.details() or "")
        retry_after = dict(caught.trailing_metadata() or ())["retry-after"]
        assert 1 <= int(retry_after) <= 63  # a 60 s window plus its bucket of 3 s
    assert record.status == "RESOURCE_EXHAUSTED"
    assert "requests_per_minute" in record.error
    assert record.route.backend == ""


async def test_http_refusal_is_429_with_retry_after(
    redis_prefix: str, tmp_path: Path, trust_engine
) -> None:
    await _away_from_a_minute_edge()
    config = _config(redis_prefix, tmp_path, requests_per_minute=1)
    echo = RecordingBackend(echo_backend(config))
    body = {"model": "echo", "messages": [{"role": "user", "content": "hello"}]}
    async with (
        running_http_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw,
        httpx.AsyncClient(base_url=gw.base_url, timeout=30) as client,
    ):
        headers = {"authorization": f"Bearer {KEY}"}
        ok = await client.post("/v1/chat/completions", json=body, headers=headers)
        refused = await client.post("/v1/chat/completions", json=body, headers=headers)
        streamed = await client.post(
            "/v1/chat/completions", json={**body, "stream": True}, headers=headers
        )
    assert ok.status_code == 200
    for response in (refused, streamed):
        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 63
        assert response.json()["error"]["code"] == "rate_limit_exceeded"
        assert "requests_per_minute (1)" in response.json()["error"]["message"]
    assert len(echo.received) == 1


async def test_answers_reconcile_with_real_usage(
    redis: Redis, redis_prefix: str, tmp_path: Path, trust_engine
) -> None:
    config = _config(redis_prefix, tmp_path, tokens_per_day=100_000)
    async with _gateway(config, trust_engine) as (gw, _):
        reply = await gw.gateway.Generate(
            generate_request("one two three four five"), metadata=AUTH
        )
        unary = reply.usage.prompt_tokens + reply.usage.completion_tokens
        assert unary == 10  # the echo counts words; the estimate reserved over 1000
        assert await _counted(redis, redis_prefix, "dev", "tokens_per_day") == unary
        events = [
            e
            async for e in gw.gateway.GenerateStream(
                generate_request(
                    "six seven eight", params=common_pb2.GenerationParams(max_tokens=16)
                ),
                metadata=AUTH,
            )
        ]
    streamed = events[-1].usage.prompt_tokens + events[-1].usage.completion_tokens
    assert streamed == 6
    assert await _counted(redis, redis_prefix, "dev", "tokens_per_day") == unary + streamed


async def test_a_refused_prompt_gives_its_reservation_back(
    redis: Redis, redis_prefix: str, tmp_path: Path, trust_engine
) -> None:
    block = {"tenants": {"dev": {"entity_policy": {"local": {"EMAIL_ADDRESS": "block"}}}}}
    config = _config(redis_prefix, tmp_path, block, requests_per_minute=5, tokens_per_day=100_000)
    async with _gateway(config, trust_engine) as (gw, echo):
        with pytest.raises(grpc.aio.AioRpcError) as blocked:
            await gw.gateway.Generate(generate_request("mail me at a.b@example.com"), metadata=AUTH)
    assert blocked.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert echo.received == []
    assert await _counted(redis, redis_prefix, "dev", "tokens_per_day") == 0
    assert await _counted(redis, redis_prefix, "dev", "requests_per_minute") == 0
