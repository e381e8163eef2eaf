"""Quota limits, windows and reconcile against the in-process store, with a fake clock."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence

import pytest
from pydantic import ValidationError

from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import QuotaExceeded, QuotaStoreUnavailable
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.gateway.quotas import (
    MemoryQuotaStore,
    Quotas,
    QuotaStore,
    QuotaStoreError,
    estimate_tokens,
    tenant_limits,
)
from modelgw.gateway.quotas.limits import DAY, Window
from modelgw.gateway.quotas.store import Charge, Hold, Refusal
from tests.configs import TenantQuotas, gateway_config

T0 = 1_700_000_020.0  # 40 s into a minute
PROMPT = [ChatMessage(Role.USER, "x" * 40)]  # 10 tokens by the chars/4 estimate


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _config(quotas: dict[str, int], **deployment: object) -> ModelgwConfig:
    return gateway_config(
        {
            "tenants": {"acme": {"quotas": quotas}, "globex": {"quotas": quotas}},
            "quotas": deployment,
        }
    )


def _quotas(
    quotas: dict[str, int],
    clock: Clock | None = None,
    *,
    store: QuotaStore | None = None,
    **deployment: object,
) -> TenantQuotas:
    config = _config(quotas, **deployment)
    return TenantQuotas.of(Quotas(config, store or MemoryQuotaStore(), clock or Clock()), config)


def _params(max_tokens: int = 10) -> GenerationParams:
    return GenerationParams(max_tokens=max_tokens)


def test_limits_must_be_positive_and_known() -> None:
    with pytest.raises(ValidationError, match="greater than 0"):
        _config({"tokens_per_minute": 0})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        _config({"tokens_per_hour": 10})
    with pytest.raises(ValidationError, match="credentials"):
        _config({}, store="redis", redis_url="redis://user:pw@host:6379/0")


def test_no_limits_means_unlimited_and_no_store_call() -> None:
    assert tenant_limits(_config({}).tenants["acme"].quotas) == ()


def test_estimate_is_prompt_chars_over_four_plus_max_tokens() -> None:
    assert estimate_tokens(PROMPT, 7) == 17
    assert estimate_tokens([ChatMessage(Role.USER, "abcde")], 0) == 2


async def test_requests_per_minute_refuses_the_next_with_retry_after() -> None:
    clock = Clock()
    quotas = _quotas({"requests_per_minute": 2}, clock)
    await quotas.reserve("acme", PROMPT, _params())
    await quotas.reserve("acme", PROMPT, _params())
    with pytest.raises(QuotaExceeded) as refused:
        await quotas.reserve("acme", PROMPT, _params())
    # T0 is 1/3 s into a 3 s bucket: that bucket leaves the window 62 s later (60 s plus
    # the rest of its own bucket), not at the next calendar minute 20 s away.
    assert refused.value.retry_after_s == 62
    assert refused.value.message == "tenant 'acme' reached requests_per_minute (2); retry in 62 s"
    clock.now += 61
    with pytest.raises(QuotaExceeded):
        await quotas.reserve("acme", PROMPT, _params())
    clock.now += 1  # the two requests have left the window: room again
    await quotas.reserve("acme", PROMPT, _params())


async def test_a_burst_at_a_window_edge_never_passes_the_limit_within_a_minute() -> None:
    """With calendar minutes, 10 at :59 and 10 at :00 passed 20 in two seconds."""
    clock = Clock(1_700_000_039.9)  # 0.1 s before a calendar minute
    quotas = _quotas({"requests_per_minute": 10}, clock)
    admitted: list[float] = []
    for _ in range(200):  # one attempt every 0.5 s for 100 s
        try:
            await quotas.reserve("acme", PROMPT, _params())
            admitted.append(clock.now)
        except QuotaExceeded:
            pass
        clock.now += 0.5
    assert len(admitted) >= 10
    for i, start in enumerate(admitted):
        within = [t for t in admitted[i:] if t < start + 60]
        assert len(within) <= 10, f"{len(within)} admitted in the 60 s from {start}"


async def test_one_tenant_exhausted_leaves_another_alone() -> None:
    quotas = _quotas({"requests_per_minute": 1})
    await quotas.reserve("acme", PROMPT, _params())
    with pytest.raises(QuotaExceeded):
        await quotas.reserve("acme", PROMPT, _params())
    await quotas.reserve("globex", PROMPT, _params())


async def test_all_or_nothing_across_limits() -> None:
    store = MemoryQuotaStore()
    clock = Clock()
    quotas = _quotas({"requests_per_minute": 10, "tokens_per_minute": 50}, clock, store=store)
    await quotas.reserve("acme", PROMPT, _params(30))  # 40 tokens
    with pytest.raises(QuotaExceeded, match="tokens_per_minute"):
        await quotas.reserve("acme", PROMPT, _params(30))
    # The refused request counted nowhere, not even in requests_per_minute.
    assert store.used("acme", "requests_per_minute") == 1
    assert store.used("acme", "tokens_per_minute") == 40


async def test_day_limit_outlives_the_minute() -> None:
    clock = Clock()
    quotas = _quotas({"tokens_per_minute": 100, "tokens_per_day": 60}, clock)
    await quotas.reserve("acme", PROMPT, _params(20))  # 30
    await quotas.reserve("acme", PROMPT, _params(20))  # 60
    clock.now += 60
    with pytest.raises(QuotaExceeded, match="tokens_per_day") as refused:
        await quotas.reserve("acme", PROMPT, _params(20))
    day = Window(DAY)  # 24 h sliding, in 72-minute buckets
    assert refused.value.retry_after_s == math.ceil(day.frees_at(day.bucket(T0)) - clock.now)
    assert 24 * 3600 - 60 <= refused.value.retry_after_s <= 24 * 3600 + 72 * 60


async def test_reconcile_refunds_and_charges_never_below_zero() -> None:
    store = MemoryQuotaStore()
    quotas = _quotas({"tokens_per_minute": 100}, Clock(), store=store)
    held = await quotas.reserve("acme", PROMPT, _params(70))  # 80 reserved
    assert store.used("acme", "tokens_per_minute") == 80
    await quotas.settle(held, 25)
    assert store.used("acme", "tokens_per_minute") == 25
    more = await quotas.reserve("acme", PROMPT, _params(50))  # 60 more: 85
    await quotas.settle(more, 75)  # charged the difference
    assert store.used("acme", "tokens_per_minute") == 100
    limit = tenant_limits(_config({"tokens_per_minute": 100}).tenants["acme"].quotas)[0]
    hold = Hold(limit, limit.window.bucket(T0), 0)
    await store.adjust("acme", [(hold, -1000)])
    assert store.used("acme", "tokens_per_minute") == 0


async def test_no_answer_gives_the_whole_reservation_back() -> None:
    store = MemoryQuotaStore()
    quotas = _quotas({"requests_per_minute": 1, "tokens_per_minute": 100}, Clock(), store=store)
    held = await quotas.reserve("acme", PROMPT, _params())
    await quotas.settle(held, None)
    assert store.used("acme", "requests_per_minute") == 0
    assert store.used("acme", "tokens_per_minute") == 0
    await quotas.reserve("acme", PROMPT, _params())


async def test_a_request_larger_than_the_limit_is_refused_without_retry() -> None:
    quotas = _quotas({"tokens_per_minute": 100})
    with pytest.raises(QuotaExceeded, match="lower max_tokens") as refused:
        await quotas.reserve("acme", PROMPT, GenerationParams())  # default_max_tokens 1024
    assert refused.value.retry_after_s is None


async def test_concurrent_reservations_never_overshoot() -> None:
    quotas = _quotas({"requests_per_minute": 10})
    outcomes = await asyncio.gather(
        *(quotas.reserve("acme", PROMPT, _params()) for _ in range(50)), return_exceptions=True
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 10
    assert all(isinstance(o, QuotaExceeded) for o in outcomes if isinstance(o, BaseException))


class _DeadStore(MemoryQuotaStore):
    async def reserve(
        self, tenant: str, charges: Sequence[Charge], now: float
    ) -> tuple[Hold, ...] | Refusal:
        raise QuotaStoreError("ConnectionError: refused")


async def test_store_down_fails_closed_by_default() -> None:
    quotas = _quotas({"requests_per_minute": 5}, Clock(), store=_DeadStore())
    with pytest.raises(QuotaStoreUnavailable, match=r"quota store unreachable.*nothing was sent"):
        await quotas.reserve("acme", PROMPT, _params())


async def test_store_down_with_continue_passes_and_alerts(caplog: pytest.LogCaptureFixture) -> None:
    quotas = _quotas(
        {"requests_per_minute": 5}, store=_DeadStore(), on_store_unavailable="continue"
    )
    with caplog.at_level(logging.ERROR):
        held = await quotas.reserve("acme", PROMPT, _params())
    assert held.holds == ()
    assert any(r.getMessage().startswith("ALERT quota store unreachable") for r in caplog.records)


async def test_unlimited_tenant_never_asks_the_store() -> None:
    quotas = _quotas({}, Clock(), store=_DeadStore())
    held = await quotas.reserve("acme", PROMPT, _params())
    assert held.holds == ()
