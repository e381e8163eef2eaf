"""The quota store goes away: tenants with limits fail closed (default) or pass with an
ALERT (opt-in), and nothing reaches a backend on a refusal."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config
from tests.harness import (
    RecordingBackend,
    RunningGateway,
    echo_backend,
    generate_request,
    request_id_of,
    running_gateway,
)
from tests.reliability.throwaway_redis import ThrowawayRedis

KEY = "mgw_test_quota_fault_key_0123"
AUTH = (("authorization", f"Bearer {KEY}"),)


@pytest.fixture
def store() -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    server.start()
    try:
        yield server
    finally:
        server.close()


def _config(store: ThrowawayRedis, tmp_path: Path, on_store_unavailable: str) -> ModelgwConfig:
    return gateway_config(
        {
            "quotas": {
                "store": "redis",
                "redis_url": store.url,
                "timeout_ms": 300,
                "on_store_unavailable": on_store_unavailable,
            },
            "tenants": {"dev": {"quotas": {"requests_per_minute": 1000}}},
        },
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )


@contextlib.asynccontextmanager
async def _gateway(
    config: ModelgwConfig, trust_engine: Any
) -> AsyncIterator[tuple[RunningGateway, RecordingBackend]]:
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        yield gw, echo


async def _refused_closed(gw: RunningGateway, echo: RecordingBackend, request_id: str) -> None:
    sent_before = len(echo.received)
    started = time.monotonic()
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await gw.gateway.Generate(generate_request("hi", request_id=request_id), metadata=AUTH)
    assert time.monotonic() - started < 5, "the store timeout should bound the wait"
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    details = refused.value.details() or ""
    assert "quota store unreachable" in details and "nothing was sent" in details
    assert len(echo.received) == sent_before
    record = await gw.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=request_id_of(refused.value)), metadata=AUTH
    )
    assert record.status == "UNAVAILABLE"


async def test_killed_store_fails_closed(
    store: ThrowawayRedis, tmp_path: Path, trust_engine
) -> None:
    async with _gateway(_config(store, tmp_path, "refuse"), trust_engine) as (gw, echo):
        await gw.gateway.Generate(generate_request("hello"), metadata=AUTH)
        store.kill()
        await _refused_closed(gw, echo, "quota-down-1")
        with pytest.raises(grpc.aio.AioRpcError) as refused_stream:
            async for _ in gw.gateway.GenerateStream(generate_request("x"), metadata=AUTH):
                pytest.fail("a stream must not start without a quota reservation")
        assert refused_stream.value.code() == grpc.StatusCode.UNAVAILABLE
        assert len(echo.received) == 1


async def test_frozen_store_fails_closed_within_the_timeout(
    store: ThrowawayRedis, tmp_path: Path, trust_engine
) -> None:
    async with _gateway(_config(store, tmp_path, "refuse"), trust_engine) as (gw, echo):
        await gw.gateway.Generate(generate_request("hello"), metadata=AUTH)
        store.freeze()
        try:
            await _refused_closed(gw, echo, "quota-frozen-1")
        finally:
            store.thaw()


async def test_killed_store_with_fail_open_passes_and_alerts(
    store: ThrowawayRedis, tmp_path: Path, trust_engine, caplog: pytest.LogCaptureFixture
) -> None:
    async with _gateway(_config(store, tmp_path, "continue"), trust_engine) as (gw, echo):
        store.kill()
        with caplog.at_level(logging.ERROR, logger="modelgw.gateway.quotas"):
            reply = await gw.gateway.Generate(generate_request("hello"), metadata=AUTH)
    assert reply.message.content == "hello"
    assert len(echo.received) == 1
    alerts = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ALERT")]
    assert alerts and "quota store unreachable" in alerts[0] and "tenant dev" in alerts[0]
