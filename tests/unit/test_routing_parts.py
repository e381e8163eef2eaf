"""The routing engine's parts with a fake clock: breaker, retry budget, route order, rules."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from modelgw.common.config.routing import (
    BreakerConfig,
    RetryConfig,
    SensitivityRule,
)
from modelgw.common.config.schema import ModelConfig
from modelgw.gateway.routing.breaker import BreakerState, CircuitBreaker
from modelgw.gateway.routing.budget import RetryBudget
from modelgw.gateway.routing.plan import order_targets
from pydantic import ValidationError


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_probes_once_when_half_open() -> None:
    clock = Clock()
    breaker = CircuitBreaker(BreakerConfig(failure_threshold=3, open_s=5), clock)
    for _ in range(2):
        assert breaker.try_acquire()
        breaker.on_failure()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.try_acquire()
    breaker.on_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.try_acquire()
    clock.now += 5
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.try_acquire()
    assert not breaker.try_acquire()  # one probe at a time
    breaker.on_success()
    assert breaker.state is BreakerState.CLOSED and breaker.try_acquire()


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
    firsts = Counter()
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
