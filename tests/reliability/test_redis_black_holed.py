"""Redis accepts connections and never answers (#18 findings 2 and 4): the response cache,
the session vault and the quota store each give up within their own timeout, and the
cache's breaker stops asking. Figures are printed (`make test-reliability` shows them)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
import pytest

from modelgw.common.config.trust import SessionVaultConfig, TrustConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.trust.session_vault import SessionVaultStore
from modelgw.trust.vault import VaultOwner
from tests.configs import gateway_config
from tests.harness import RecordingBackend, echo_backend, generate_request, running_gateway
from tests.reliability.black_hole import BlackHole

KEY = "mgw_test_black_hole_key_0001"
AUTH = (("authorization", f"Bearer {KEY}"),)
HANG_S = 10.0
"""How long a test waits before calling a request hung (main hung until this)."""


def _deterministic(text: str):
    request = generate_request(text)
    request.params.temperature = 0
    return request


async def test_a_black_holed_response_cache_is_a_miss_and_its_breaker_stops_asking(
    tmp_path: Path, trust_engine
) -> None:
    with BlackHole() as hole:
        config = gateway_config(
            {"cache": {"backend": "redis", "redis_url": hole.redis_url}},
            tmp_path=tmp_path,
            keys={"dev": KEY},
        )
        echo = RecordingBackend(echo_backend(config))
        async with running_gateway(
            config, trust_engine=trust_engine, backends={"echo": echo}
        ) as gw:
            took: list[float] = []
            tried = -1
            for i in range(10):
                started = time.monotonic()
                reply = await gw.gateway.Generate(
                    _deterministic(f"question {i}"), metadata=AUTH, timeout=HANG_S
                )
                took.append(time.monotonic() - started)
                assert reply.message.content == f"question {i}"
                if i == 6:
                    tried = hole.accepted
            await asyncio.sleep(0.3)  # the background writes of the last requests
            assert hole.accepted == tried, "an open breaker must not reach Redis"
    timeout_s = config.cache.timeout_ms / 1000
    print(
        f"\nDRILL cache black-holed (timeout {timeout_s * 1000:.0f} ms): request seconds "
        f"{' '.join(f'{t:.3f}' for t in took)}; connections tried {tried}, "
        f"then none (breaker open)"
    )
    assert len(echo.received) == 10
    assert max(took) < 3.0, "a lookup is bounded by cache.timeout_ms"


async def test_a_cache_write_to_a_black_hole_does_not_delay_the_caller() -> None:
    from modelgw.common.config.routing import BreakerConfig
    from modelgw.common.config.schema import CacheBackend, CacheConfig
    from modelgw.common.messages import FinishReason, Usage
    from modelgw.common.redis_client import redis_client
    from modelgw.gateway.cache import CachedAnswer
    from modelgw.gateway.redis_cache import RedisCache  # the module this change added

    with BlackHole() as hole:
        config = CacheConfig(backend=CacheBackend.REDIS, redis_url=hole.redis_url)
        client = redis_client(config, timeout_s=HANG_S)
        cache = RedisCache(client, 60, timeout_s=HANG_S, breaker=BreakerConfig())
        try:
            started = time.monotonic()
            async with asyncio.timeout(HANG_S / 2):
                await cache.put("k", CachedAnswer("x", FinishReason.STOP, Usage(1, 1)))
            assert time.monotonic() - started < 1.0
        finally:
            await cache.close()


async def test_a_black_holed_session_vault_fails_closed_within_the_trust_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MODELGW_TEST_VAULT_KEY", "00" * 32)
    with BlackHole() as hole:
        config = SessionVaultConfig(
            redis_url=hole.redis_url, encryption_key="env:MODELGW_TEST_VAULT_KEY"
        )
        store = SessionVaultStore.from_config(config)
        assert store is not None
        owner = VaultOwner("dev", "k", "user-1", "chat-1")
        started = time.monotonic()
        try:
            with pytest.raises(TrustLayerUnavailable):
                async with asyncio.timeout(HANG_S):
                    await store.load(owner)
        finally:
            await store.close()
    took = time.monotonic() - started
    deadline_s = TrustConfig().deadline_ms / 1000
    print(
        f"\nDRILL session vault black-holed (timeout {config.timeout_ms} ms, trust deadline "
        f"{deadline_s:.1f} s): failed closed after {took:.3f} s"
    )
    assert took < deadline_s, "the vault must give up within the trust layer's deadline"


async def test_a_black_holed_quota_store_refuses_within_its_timeout(
    tmp_path: Path, trust_engine
) -> None:
    with BlackHole() as hole:
        config = gateway_config(
            {
                "quotas": {"store": "redis", "redis_url": hole.redis_url},
                "tenants": {"dev": {"quotas": {"requests_per_minute": 1000}}},
            },
            tmp_path=tmp_path,
            keys={"dev": KEY},
        )
        echo = RecordingBackend(echo_backend(config))
        async with running_gateway(
            config, trust_engine=trust_engine, backends={"echo": echo}
        ) as gw:
            took = []
            for i in range(3):
                started = time.monotonic()
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await gw.gateway.Generate(
                        generate_request(f"hi {i}"), metadata=AUTH, timeout=HANG_S
                    )
                took.append(time.monotonic() - started)
                assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    print(
        f"\nDRILL quota store black-holed (timeout {config.quotas.timeout_ms} ms): refused "
        f"UNAVAILABLE after {' '.join(f'{t:.3f}' for t in took)} s; nothing sent"
    )
    assert echo.received == []
    assert max(took) < 3.0
