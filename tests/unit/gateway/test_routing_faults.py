"""The routing engine against real misbehaving servers: the documented behaviour of
`modelgw.gateway.routing.engine`, end to end through the gateway over gRPC.

Each backend is the real `vllm` backend talking to a scripted VllmEngine gRPC
server on loopback (tests/vllm_support/fake_engine.py). gRPC statuses stand in
for HTTP ones: UNAVAILABLE/INTERNAL are the 5xx, RESOURCE_EXHAUSTED the 429,
INVALID_ARGUMENT the 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config
from tests.harness import RunningGateway, generate_request, record_of, running_gateway
from tests.vllm_support.fake_engine import Behaviour, RunningFake, fake_engine

KEY = "mgw_test_routing_key_0123"
AUTH = (("authorization", f"Bearer {KEY}"),)
ANSWER = "Bonjour, café 日本 🙂 done."


def routing_config(primary: str, fallback: str, tmp_path: Path, **routing: Any) -> ModelgwConfig:
    vllm = {"type": "vllm", "timeout_s": 0.5, "load_interval_s": 0.2}
    return gateway_config(
        {
            "providers": {
                "primary": {**vllm, "workers": [primary]},
                "fallback": {**vllm, "workers": [fallback]},
            },
            "models": {"chat": {"route": [{"provider": "primary"}, {"provider": "fallback"}]}},
            # These tests are about routing: the scripted answers' words ("café" reads as a
            # name to the small spaCy model) must not be redacted by response scanning.
            "tenants": {"dev": {"trust": {"response": {"new_entity_action": "allow"}}}},
            "routing": {
                "retry": {
                    "backoff_initial_ms": 20,
                    "backoff_max_ms": 50,
                    **routing.get("retry", {}),
                },
                "breaker": {"failure_threshold": 2, "open_s": 0.6, **routing.get("breaker", {})},
            },
        },
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )


@contextlib.asynccontextmanager
async def setup(
    tmp_path: Path, trust_engine: Any, **routing: Any
) -> AsyncIterator[tuple[RunningGateway, RunningFake, RunningFake]]:
    async with (
        fake_engine(tmp_path / "a") as primary,
        fake_engine(tmp_path / "b") as fallback,
    ):
        config = routing_config(primary.address, fallback.address, tmp_path, **routing)
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            yield gw, primary, fallback


async def ask(gw: RunningGateway, text: str = "Say hello", **kwargs: Any) -> Any:
    return await gw.gateway.Generate(generate_request(text, model="chat"), metadata=AUTH, **kwargs)


async def record(gw: RunningGateway, request_id: str) -> audit_pb2.AuditRecord:
    return await gw.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=request_id), metadata=AUTH
    )


@pytest.mark.parametrize("failure", [Behaviour.UNAVAILABLE, Behaviour.INTERNAL])
async def test_5xx_is_retried_then_falls_back(tmp_path, trust_engine, failure) -> None:
    async with setup(tmp_path, trust_engine) as (gw, primary, fallback):
        primary.engine.behaviour = failure
        reply = await ask(gw)
        assert reply.message.content == ANSWER
        assert reply.route.backend == "fallback"
        assert len(primary.engine.calls) == 2  # max_attempts_per_backend
        assert len(fallback.engine.calls) == 1
        assert "primary failed" in reply.route.reason
        audit = await record(gw, reply.request_id)
        assert audit.route.backend == "fallback" and "primary failed" in audit.route.reason


async def test_429_falls_back_at_once(tmp_path, trust_engine) -> None:
    async with setup(tmp_path, trust_engine) as (gw, primary, _):
        primary.engine.behaviour = Behaviour.EXHAUSTED
        reply = await ask(gw)
        assert reply.route.backend == "fallback"
        assert len(primary.engine.calls) == 1


async def test_caller_error_is_not_retried_anywhere(tmp_path, trust_engine) -> None:
    async with setup(tmp_path, trust_engine) as (gw, primary, fallback):
        primary.engine.behaviour = Behaviour.INVALID
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await ask(gw)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert len(primary.engine.calls) == 1 and not fallback.engine.calls


async def test_hanging_backend_times_out_and_is_aborted(tmp_path, trust_engine) -> None:
    async with setup(tmp_path, trust_engine, retry={"max_attempts_per_backend": 1}) as (
        gw,
        primary,
        _,
    ):
        primary.engine.behaviour = Behaviour.HANG
        started = time.monotonic()
        reply = await ask(gw)
        elapsed = time.monotonic() - started
        assert reply.route.backend == "fallback" and reply.message.content == ANSWER
        assert 0.5 <= elapsed < 2.0  # the primary's timeout_s, not forever
        await asyncio.sleep(0.1)
        assert primary.engine.aborted == [primary.engine.calls[0].request_id]


async def test_caller_deadline_is_honoured_and_propagated(tmp_path, trust_engine) -> None:
    async with setup(tmp_path, trust_engine, retry={"max_attempts_per_backend": 1}) as (
        gw,
        primary,
        fallback,
    ):
        for fake in (primary, fallback):
            fake.engine.behaviour = Behaviour.HANG
        config_timeout = 0.5
        started = time.monotonic()
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await ask(gw, timeout=0.8)
        elapsed = time.monotonic() - started
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert elapsed < 1.3
        first = primary.engine.calls[0]
        assert first.time_remaining is not None and first.time_remaining <= config_timeout + 0.01

        # The fallback got what was left of the caller's 0.8 s, not a fresh timeout.
        assert fallback.engine.calls, "the fallback should have been tried within the deadline"
        left = fallback.engine.calls[0].time_remaining
        assert left is not None and left < 0.8 - config_timeout + 0.05


async def test_breaker_opens_then_recovers_through_a_half_open_probe(
    tmp_path, trust_engine
) -> None:
    async with setup(tmp_path, trust_engine, retry={"max_attempts_per_backend": 1}) as (
        gw,
        primary,
        _,
    ):
        primary.engine.behaviour = Behaviour.UNAVAILABLE
        for _ in range(2):  # failure_threshold
            assert (await ask(gw)).route.backend == "fallback"
        assert len(primary.engine.calls) == 2

        reply = await ask(gw)  # open: the primary is not called at all
        assert reply.route.backend == "fallback"
        assert len(primary.engine.calls) == 2
        assert "primary skipped: circuit breaker open" in reply.route.reason

        primary.engine.behaviour = Behaviour.OK
        await asyncio.sleep(0.7)  # open_s passes: half-open, one probe may go
        reply = await ask(gw)
        assert reply.route.backend == "primary" and len(primary.engine.calls) == 3
        assert (await ask(gw)).route.backend == "primary"  # closed again


async def test_failed_probe_opens_the_breaker_again(tmp_path, trust_engine) -> None:
    async with setup(tmp_path, trust_engine, retry={"max_attempts_per_backend": 1}) as (
        gw,
        primary,
        _,
    ):
        primary.engine.behaviour = Behaviour.UNAVAILABLE
        for _ in range(2):
            await ask(gw)
        await asyncio.sleep(0.7)
        await ask(gw)  # the probe fails
        assert len(primary.engine.calls) == 3
        await ask(gw)  # open again right away: no fourth call
        assert len(primary.engine.calls) == 3


async def test_empty_retry_budget_stops_fallbacks(tmp_path, trust_engine) -> None:
    budget = {"budget_ratio": 0, "budget_min_per_s": 0}
    async with setup(tmp_path, trust_engine, retry=budget) as (gw, primary, fallback):
        primary.engine.behaviour = Behaviour.UNAVAILABLE
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await ask(gw)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "retry budget exhausted" in (caught.value.details() or "")
        assert len(primary.engine.calls) == 1 and not fallback.engine.calls


async def stream_text(gw: RunningGateway) -> tuple[list[Any], grpc.aio.AioRpcError | None]:
    events: list[Any] = []
    call = gw.gateway.GenerateStream(generate_request("Say hello", model="chat"), metadata=AUTH)
    try:
        async for event in call:
            events.append(event)
    except grpc.aio.AioRpcError as exc:
        return events, exc
    return events, None


async def test_stream_fails_over_before_the_first_token(tmp_path, trust_engine) -> None:
    async with setup(tmp_path, trust_engine) as (gw, primary, _):
        primary.engine.behaviour = Behaviour.UNAVAILABLE
        events, error = await stream_text(gw)
        assert error is None
        assert events[0].route.backend == "fallback"
        assert "".join(e.delta for e in events) == ANSWER


async def test_stream_dying_after_the_first_token_ends_with_a_clear_error(
    tmp_path, trust_engine
) -> None:
    async with setup(tmp_path, trust_engine) as (gw, primary, fallback):
        primary.engine.behaviour = Behaviour.DIE_MID_STREAM
        primary.engine.token_delay_s = 0.01
        events, error = await stream_text(gw)
        assert error is not None and error.code() == grpc.StatusCode.UNAVAILABLE
        assert "after the answer had started" in (error.details() or "")
        text = "".join(e.delta for e in events)
        # A prefix and no repeat; possibly empty, since response scanning releases whole
        # sentences only and this one-sentence answer died in the middle.
        assert ANSWER.startswith(text) and text != ANSWER
        assert primary.engine.calls and not fallback.engine.calls
        audit = await record(gw, events[0].request_id)
        assert audit.status == "UNAVAILABLE" and audit.route.backend == "primary"


async def test_client_that_gives_up_aborts_the_engine_request_and_is_audited(
    tmp_path, trust_engine
) -> None:
    async with setup(tmp_path, trust_engine) as (gw, primary, _):
        primary.engine.behaviour = Behaviour.HANG
        request = generate_request("Say hello", model="chat", request_id="gives-up")
        call = gw.gateway.Generate(request, metadata=AUTH)
        for _ in range(100):
            if primary.engine.calls:
                break
            await asyncio.sleep(0.01)
        call.cancel()
        for _ in range(100):
            if primary.engine.aborted:
                break
            await asyncio.sleep(0.01)
        assert primary.engine.aborted == [primary.engine.calls[0].request_id]
        audit: audit_pb2.AuditRecord | None = None
        for _ in range(100):
            with contextlib.suppress(grpc.aio.AioRpcError, AssertionError):
                audit = await record_of(gw.audit, "gives-up", AUTH)
                break
            await asyncio.sleep(0.02)
        assert audit is not None, "no audit record for the request the client gave up"
        assert audit.status == "CANCELLED"
