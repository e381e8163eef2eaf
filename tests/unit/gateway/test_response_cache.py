"""The response cache: masked answers only, scoped per tenant, on memory and the real Redis."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from modelgw.api.v1 import common_pb2
from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.schema import ModelgwConfig
from modelgw.gateway.cache import KEY_PREFIX
from tests.conftest import REDIS_URL
from tests.harness import (
    RecordingBackend,
    RunningGateway,
    echo_backend,
    generate_request,
    running_gateway,
)

KEYS = {"acme": "mgw_cache_acme_key_0001", "globex": "mgw_cache_globex_key_001"}


def _auth(tenant: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {KEYS[tenant]}"),)


def _config(tmp_path: Path, cache: dict) -> ModelgwConfig:
    return ModelgwConfig.model_validate(
        {
            "providers": {"echo": {"type": "echo", "locality": "external"}},
            "models": {"echo": {"route": [{"provider": "echo"}]}},
            "tenants": {
                name: {"api_keys": [{"id": "k", "sha256": hash_api_key(key)}]}
                for name, key in KEYS.items()
            },
            "cache": cache,
            "audit": {"url": f"sqlite+aiosqlite:///{tmp_path}/audit.db"},
        }
    )


@pytest.fixture(params=["memory", "redis"])
async def gateway(
    request: pytest.FixtureRequest, tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[RunningGateway, RecordingBackend]]:
    cache = {"backend": request.param, "redis_url": REDIS_URL, "ttl_s": 60}
    config = _config(tmp_path, cache)
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        yield gw, echo
    if request.param == "redis":
        client = aioredis.Redis.from_url(REDIS_URL)
        with contextlib.suppress(Exception):
            async for key in client.scan_iter(match=f"{KEY_PREFIX}:*"):
                await client.delete(key)
        await client.aclose()


def _deterministic(text: str):
    request = generate_request(text)
    request.params.temperature = 0
    return request


async def test_same_masked_prompt_is_served_from_cache_and_restored_per_caller(gateway) -> None:
    gw, echo = gateway
    first = await gw.gateway.Generate(
        _deterministic("Call Henry Ford at henry@example.com"), metadata=_auth("acme")
    )
    # Another person masks to the same prompt: one backend call, each caller gets their values.
    second = await gw.gateway.Generate(
        _deterministic("Call Mary Shelley at mary@example.com"), metadata=_auth("acme")
    )
    assert len(echo.received) == 1
    assert first.message.content == "Call Henry Ford at henry@example.com"
    assert second.message.content == "Call Mary Shelley at mary@example.com"

    streamed = [
        e
        async for e in gw.gateway.GenerateStream(
            _deterministic("Call Maria Garcia at maria@example.com"), metadata=_auth("acme")
        )
    ]
    assert len(echo.received) == 1
    assert "".join(e.delta for e in streamed) == "Call Maria Garcia at maria@example.com"
    assert streamed[-1].finish_reason == common_pb2.FINISH_REASON_STOP


async def test_tenants_never_share_cache_entries(gateway) -> None:
    gw, echo = gateway
    await gw.gateway.Generate(_deterministic("Status of order 1234?"), metadata=_auth("acme"))
    await gw.gateway.Generate(_deterministic("Status of order 1234?"), metadata=_auth("globex"))
    assert len(echo.received) == 2


async def test_sampled_requests_are_not_cached(gateway) -> None:
    gw, echo = gateway
    for _ in range(2):
        await gw.gateway.Generate(generate_request("Tell me a joke"), metadata=_auth("acme"))
    assert len(echo.received) == 2


async def test_redis_entries_hold_masked_text_only(tmp_path: Path, trust_engine) -> None:
    config = _config(tmp_path, {"backend": "redis", "redis_url": REDIS_URL, "ttl_s": 60})
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        await gw.gateway.Generate(
            _deterministic("Email Grace Hopper at grace.hopper@example.com"),
            metadata=_auth("globex"),
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
