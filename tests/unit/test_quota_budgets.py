"""Per-key and per-end-user limits and USD budgets, against the in-process store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from modelgw.common.errors import QuotaExceeded
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.common.tenant import Tenants
from modelgw.gateway.quotas import MemoryQuotaStore, Quotas
from modelgw.gateway.quotas.limits import MICRO_USD, Window
from tests.configs import gateway_config

PROMPT = [ChatMessage(Role.USER, "x" * 40)]  # 10 tokens
PARAMS = GenerationParams(max_tokens=90)  # 100 tokens reserved
T0 = datetime(2025, 3, 31, 23, 59, 30, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _setup(quotas: dict[str, object], clock: Clock | None = None) -> tuple[Quotas, Tenants]:
    config = gateway_config({"tenants": {"acme": {"quotas": quotas}}})
    return Quotas(config, MemoryQuotaStore(), clock or Clock()), Tenants.from_config(config)


def _per_token(usd: float):  # a route whose every token costs `usd`
    return lambda prompt, completion: (prompt + completion) * usd


async def test_each_key_has_its_own_count() -> None:
    quotas, tenants = _setup({"per_key": {"requests_per_minute": 1}})
    acme = tenants.get("acme")
    await quotas.reserve(acme, PROMPT, PARAMS, key_id="a")
    await quotas.reserve(acme, PROMPT, PARAMS, key_id="b")
    with pytest.raises(QuotaExceeded) as refused:
        await quotas.reserve(acme, PROMPT, PARAMS, key_id="a")
    assert refused.value.message.startswith("key 'a' of tenant 'acme' reached requests_per_minute")


async def test_each_end_user_has_its_own_count_and_is_not_named() -> None:
    quotas, tenants = _setup({"per_end_user": {"tokens_per_minute": 150}})
    acme = tenants.get("acme")
    await quotas.reserve(acme, PROMPT, PARAMS, end_user="agent-7")
    await quotas.reserve(acme, PROMPT, PARAMS, end_user="agent-8")
    await quotas.reserve(acme, PROMPT, PARAMS)  # no end user: no end-user limits
    with pytest.raises(QuotaExceeded) as refused:
        await quotas.reserve(acme, PROMPT, PARAMS, end_user="agent-7")
    assert "this end user of tenant 'acme' reached tokens_per_minute (150)" in refused.value.message
    assert "agent-7" not in refused.value.message


async def test_a_refusal_by_one_scope_counts_in_none() -> None:
    quotas, tenants = _setup({"requests_per_minute": 10, "per_key": {"requests_per_minute": 1}})
    store = quotas._store
    assert isinstance(store, MemoryQuotaStore)
    acme = tenants.get("acme")
    await quotas.reserve(acme, PROMPT, PARAMS, key_id="a")
    with pytest.raises(QuotaExceeded):
        await quotas.reserve(acme, PROMPT, PARAMS, key_id="a")
    assert store.used("acme", "requests_per_minute") == 1


async def test_a_budget_holds_the_worst_case_and_settles_to_the_real_cost() -> None:
    quotas, tenants = _setup({"usd_per_day": 1.0})
    store = quotas._store
    assert isinstance(store, MemoryQuotaStore)
    acme = tenants.get("acme")
    held = await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))  # 0.40
    assert store.used("acme", "usd_per_day") == 400_000
    await quotas.settle(held, 30, 0.12)
    assert store.used("acme", "usd_per_day") == 120_000
    await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))  # 0.52
    await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))  # 0.92
    with pytest.raises(QuotaExceeded) as refused:
        await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))
    assert "tenant 'acme' reached usd_per_day (1.00 USD)" in refused.value.message
    assert refused.value.retry_after_s == 30  # the UTC day ends


async def test_a_month_budget_resets_with_the_calendar_month() -> None:
    clock = Clock()
    quotas, tenants = _setup({"usd_per_month": 0.5}, clock)
    acme = tenants.get("acme")
    await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))
    with pytest.raises(QuotaExceeded) as refused:
        await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))
    assert refused.value.retry_after_s == 30  # March ends at midnight
    clock.now += 30
    await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))
    assert Window(calendar="month").bucket(clock.now) == 2025 * 12 + 3


async def test_a_spent_budget_refuses_even_an_unpriced_request() -> None:
    quotas, tenants = _setup({"usd_per_day": 0.4})
    acme = tenants.get("acme")
    await quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004))
    with pytest.raises(QuotaExceeded):
        await quotas.reserve(acme, PROMPT, PARAMS, price=lambda p, c: None)


async def test_a_request_that_may_cost_more_than_the_budget_is_refused_outright() -> None:
    quotas, tenants = _setup({"per_key": {"usd_per_day": 0.1}})
    with pytest.raises(QuotaExceeded, match=r"may cost up to 0\.400000 USD") as refused:
        await quotas.reserve(
            tenants.get("acme"), PROMPT, PARAMS, key_id="a", price=_per_token(0.004)
        )
    assert refused.value.retry_after_s is None


async def test_concurrent_requests_spend_exactly_the_budget() -> None:
    quotas, tenants = _setup({"usd_per_day": 100 * 0.4})
    acme = tenants.get("acme")
    outcomes = await asyncio.gather(
        *(quotas.reserve(acme, PROMPT, PARAMS, price=_per_token(0.004)) for _ in range(200)),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 100
    assert quotas._store.used("acme", "usd_per_day") == 40 * MICRO_USD  # type: ignore[attr-defined]  # the memory store's own helper
