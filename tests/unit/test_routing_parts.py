"""The routing engine's parts with a fake clock: breaker, retry budget, route order, rules."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator

import grpc
import pytest
from pydantic import ValidationError

from modelgw.common.config.providers import Locality
from modelgw.common.config.routing import (
    BreakerConfig,
    RetryConfig,
    RoutingConfig,
    SensitivityRule,
)
from modelgw.common.config.schema import ModelConfig
from modelgw.common.errors import BackendError
from modelgw.common.messages import FinishReason, GenerationParams, Usage
from modelgw.gateway.routing.breaker import BreakerState, CircuitBreaker
from modelgw.gateway.routing.budget import RetryBudget
from modelgw.gateway.routing.engine import RoutingEngine
from modelgw.gateway.routing.plan import Candidate, RoutePlan, order_targets
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def state(breaker: CircuitBreaker) -> BreakerState:
    """Read anew: a type checker keeps `breaker.state` narrowed across method calls."""
    return breaker.state


def test_breaker_opens_after_threshold_and_probes_once_when_half_open() -> None:
    clock = Clock()
    breaker = CircuitBreaker(BreakerConfig(failure_threshold=3, open_s=5), clock)
    for _ in range(2):
        assert breaker.try_acquire()
        breaker.on_failure()
    assert state(breaker) is BreakerState.CLOSED
    assert breaker.try_acquire()
    breaker.on_failure()
    assert state(breaker) is BreakerState.OPEN and not breaker.try_acquire()
    clock.now += 5
    assert state(breaker) is BreakerState.HALF_OPEN
    assert breaker.try_acquire()
    assert not breaker.try_acquire()  # one probe at a time
    breaker.on_success()
    assert state(breaker) is BreakerState.CLOSED and breaker.try_acquire()


def test_breaker_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(BreakerConfig(failure_threshold=2, open_s=5), Clock())
    breaker.on_failure()
    breaker.on_success()
    breaker.on_failure()
    assert breaker.state is BreakerState.CLOSED


def test_released_probe_lets_the_next_one_through() -> None:
    clock = Clock()
    breaker = CircuitBreaker(BreakerConfig(failure_threshold=1, open_s=1), clock)
    breaker.on_failure()
    clock.now += 1
    assert breaker.try_acquire()
    breaker.release()  # e.g. the caller went away: no verdict
    assert breaker.try_acquire()


def test_retry_budget_is_a_share_of_recent_requests() -> None:
    clock = Clock()
    budget = RetryBudget(
        RetryConfig(budget_ratio=0.5, budget_min_per_s=0, budget_window_s=10), clock
    )
    for _ in range(4):
        budget.record_request()
    assert [budget.try_spend() for _ in range(3)] == [True, True, False]
    clock.now += 11  # the window moved on: old requests and retries no longer count
    assert not budget.try_spend()
    budget.record_request()
    budget.record_request()
    assert budget.try_spend()


def test_equal_priority_targets_split_by_weight_and_order_is_kept_otherwise() -> None:
    model = ModelConfig.model_validate(
        {
            "route": [
                {"provider": "a", "priority": 0, "weight": 3},
                {"provider": "b", "priority": 0, "weight": 1},
                {"provider": "c"},
            ]
        }
    )
    rng = random.Random(7)
    firsts: Counter[str] = Counter()
    for _ in range(4000):
        order = [t.provider for t, _ in order_targets(model, rng)]
        assert order[2] == "c" and sorted(order[:2]) == ["a", "b"]
        firsts[order[0]] += 1
    assert 0.70 < firsts["a"] / 4000 < 0.80


def test_rule_config_is_checked() -> None:
    with pytest.raises(ValidationError, match="needs at least one of require_locality"):
        SensitivityRule.model_validate({"entities": ["PERSON"]})
    with pytest.raises(ValidationError, match="takes no require_"):
        SensitivityRule.model_validate(
            {"entities": ["PERSON"], "action": "block", "require_locality": "local"}
        )
    rule = SensitivityRule.model_validate({"entities": ["*"], "action": "block"})
    assert rule.matches({"EMAIL_ADDRESS"}) and not rule.matches(set())


def test_vllm_provider_needs_workers_or_dns() -> None:
    from modelgw.common.config.schema import ModelgwConfig

    with pytest.raises(ValidationError, match="needs `workers` or `dns`"):
        ModelgwConfig.model_validate({"providers": {"local": {"type": "vllm"}}})


class _Refusing:
    """A backend whose provider refuses modelgw's credential (an upstream 401)."""

    provider_type = "openai"
    locality = Locality.EXTERNAL

    def __init__(self, name: str, code: grpc.StatusCode | None) -> None:
        self.name = name
        self.code = code
        self.calls = 0

    async def generate(self, request: BackendRequest) -> BackendResponse:
        self.calls += 1
        if self.code is not None:
            raise BackendError("upstream said 401", code=self.code, retryable=True)
        return BackendResponse("fine", FinishReason.STOP, Usage(1, 1))

    def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        raise NotImplementedError("these tests are unary")

    async def close(self) -> None:
        return None


@pytest.mark.parametrize(
    ("code", "primary_calls"),
    [
        (grpc.StatusCode.FAILED_PRECONDITION, 1),  # our credential: fall back at once
        (grpc.StatusCode.RESOURCE_EXHAUSTED, 1),  # 429: fall back at once
        (grpc.StatusCode.UNAVAILABLE, 2),  # 5xx: retried on the same backend first
    ],
)
async def test_which_failures_fall_back_at_once(code, primary_calls) -> None:
    primary, fallback = _Refusing("primary", code), _Refusing("fallback", None)
    plan = RoutePlan("m", (Candidate(primary, "m"), Candidate(fallback, "m")))
    engine = RoutingEngine(RoutingConfig(), sleep=lambda _s: asyncio.sleep(0))

    async def prepare(candidate: Candidate) -> BackendRequest:
        return BackendRequest("m", [], GenerationParams(), "req-1")

    outcome, response = await engine.generate(plan, None, prepare)
    assert outcome.candidate.name == "fallback" and response.text == "fine"
    assert primary.calls == primary_calls


async def test_a_caller_that_leaves_while_a_retry_waits_gives_back_the_breaker_probe() -> None:
    """The retry took the half-open breaker's one probe, then its caller left during the
    backoff (#18): the probe must be given back, or the backend is skipped for good."""
    ticks = iter(range(0, 10_000, 10))  # every reading of the clock is 10 s later
    breaker = CircuitBreaker(BreakerConfig(failure_threshold=1, open_s=5), lambda: next(ticks))
    backoff = asyncio.Event()

    async def wait_forever(_s: float) -> None:
        backoff.set()
        await asyncio.Event().wait()

    primary = _Refusing("primary", grpc.StatusCode.UNAVAILABLE)
    engine = RoutingEngine(RoutingConfig(), sleep=wait_forever)
    engine.breaker = lambda backend: breaker  # type: ignore[method-assign]  # this clock's breaker

    async def prepare(candidate: Candidate) -> BackendRequest:
        return BackendRequest("m", [], GenerationParams(), "req-1")

    call = asyncio.create_task(
        engine.generate(RoutePlan("m", (Candidate(primary, "m"),)), None, prepare)
    )
    await asyncio.wait_for(backoff.wait(), 5)  # tried once, failed, probe taken, backing off
    assert primary.calls == 1 and state(breaker) is BreakerState.HALF_OPEN
    call.cancel()  # the caller left
    with pytest.raises(asyncio.CancelledError):
        await call
    assert breaker.try_acquire(), "the probe was given back: the backend can be tried again"
