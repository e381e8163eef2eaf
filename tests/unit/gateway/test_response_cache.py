"""The response cache: masked answers only, scoped per tenant (the in-process cache).

tests/integration/test_response_cache.py runs the same tests on the real Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from modelgw.api.v1 import common_pb2
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config
from tests.harness import (
    RecordingBackend,
    RunningGateway,
    echo_backend,
    generate_request,
    running_gateway,
)

KEYS = {"acme": "mgw_cache_acme_key_0001", "globex": "mgw_cache_globex_key_001"}


def auth(tenant: str) -> tuple[tuple[str, str]]:
    return (("authorization", f"Bearer {KEYS[tenant]}"),)


def cache_config(tmp_path: Path, cache: dict[str, Any]) -> ModelgwConfig:
    return gateway_config(
        {"providers": {"echo": {"locality": "external"}}, "cache": cache},
        tmp_path=tmp_path,
        keys=KEYS,
    )


@pytest.fixture
def cache() -> dict[str, Any]:
    """The `[cache]` section under test."""
    return {"backend": "memory", "ttl_s": 60}


@pytest.fixture
async def gateway(
    cache: dict[str, Any], tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[RunningGateway, RecordingBackend]]:
    config = cache_config(tmp_path, cache)
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        yield gw, echo


def deterministic(text: str):
    request = generate_request(text)
    request.params.temperature = 0
    return request


async def test_same_masked_prompt_is_served_from_cache_and_restored_per_caller(gateway) -> None:
    gw, echo = gateway
    first = await gw.gateway.Generate(
        deterministic("Call Henry Ford at henry@example.com"), metadata=auth("acme")
    )
    # Another person masks to the same prompt: one backend call, each caller gets their values.
    second = await gw.gateway.Generate(
        deterministic("Call Mary Shelley at mary@example.com"), metadata=auth("acme")
    )
    assert len(echo.received) == 1
    assert first.message.content == "Call Henry Ford at henry@example.com"
    assert second.message.content == "Call Mary Shelley at mary@example.com"

    streamed = [
        e
        async for e in gw.gateway.GenerateStream(
            deterministic("Call Maria Garcia at maria@example.com"), metadata=auth("acme")
        )
    ]
    assert len(echo.received) == 1
    assert "".join(e.delta for e in streamed) == "Call Maria Garcia at maria@example.com"
    assert streamed[-1].finish_reason == common_pb2.FINISH_REASON_STOP


async def test_tenants_never_share_cache_entries(gateway) -> None:
    gw, echo = gateway
    await gw.gateway.Generate(deterministic("Status of order 1234?"), metadata=auth("acme"))
    await gw.gateway.Generate(deterministic("Status of order 1234?"), metadata=auth("globex"))
    assert len(echo.received) == 2


async def test_sampled_requests_are_not_cached(gateway) -> None:
    gw, echo = gateway
    for _ in range(2):
        await gw.gateway.Generate(generate_request("Tell me a joke"), metadata=auth("acme"))
    assert len(echo.received) == 2
