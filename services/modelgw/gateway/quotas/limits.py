"""The limits that apply to a request, how each one counts, and what a request may cost.

Rate limits slide. A fixed, aligned window (the calendar minute) lets a burst
at its end and another at the start of the next pass twice the limit within a
few seconds. Here a per-minute limit keeps its count in 20 buckets of 3 s and,
to admit a request, sums the bucket in progress and the 20 before it: every
span of 60 s lies inside the buckets some admission summed, so no 60 s ever
holds more than the limit. The price is that a refused caller may wait up to
one bucket (3 s) longer than the window. A token bucket was the other choice:
it bounds the rate, not "N per minute" (with a full bucket it admits the burst
and a minute's refill, close to twice the limit in a minute), so it does not
mean what `requests_per_minute` says.

Budgets are money and count per calendar period (UTC day, calendar month), in
micro-dollars so the stores add integers. Buckets and periods are derived from
the gateway's clock, so every replica counts in the same buckets.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from modelgw.common.config.quotas import Limits, TenantQuotas
from modelgw.common.messages import ChatMessage

MINUTE = 60
DAY = 24 * 3600
BUCKETS = 20
"""Buckets per sliding window; the bucket in progress is counted on top."""
CHARS_PER_TOKEN = 4
MICRO_USD = 1_000_000
_EXPIRY_SLACK_S = 60
"""Counters outlive what they count a little, so a late reconcile still finds them."""

PriceCeiling = Callable[[int, int], float | None]
"""USD a request may cost at most for (prompt tokens, completion tokens), over every backend
its route may reach; None when no backend of it has a price."""


class Unit(StrEnum):
    REQUESTS = "requests"
    TOKENS = "tokens"
    USD = "usd"
    """Counted in micro-dollars."""


@dataclass(frozen=True, slots=True)
class Window:
    """A sliding window of `span_s` seconds, or a calendar period (`day` or `month`, UTC)."""

    span_s: int = 0
    calendar: str = ""

    def bucket(self, now: float) -> int:
        if self.calendar == "month":
            moment = datetime.fromtimestamp(now, UTC)
            return moment.year * 12 + moment.month - 1
        if self.calendar == "day":
            return int(now // DAY)
        return int(now // (self.span_s / BUCKETS))

    def oldest(self, now: float) -> int:
        """The oldest bucket still counted at `now`."""
        current = self.bucket(now)
        return current if self.calendar else current - BUCKETS

    def frees_at(self, bucket: int) -> float:
        """When `bucket` stops being counted (epoch seconds)."""
        if self.calendar == "month":
            year, month = divmod(bucket + 1, 12)
            return datetime(year, month + 1, 1, tzinfo=UTC).timestamp()
        if self.calendar == "day":
            return float((bucket + 1) * DAY)
        return (bucket + BUCKETS + 1) * (self.span_s / BUCKETS)

    def ttl_s(self, now: float) -> int:
        return math.ceil(self.frees_at(self.bucket(now)) - now) + _EXPIRY_SLACK_S


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    """The config key (`tokens_per_minute`): it names the limit in refusals and in keys."""
    value: int
    """In the limit's unit: requests, tokens or micro-dollars."""
    window: Window
    unit: Unit
    scope: str = "tenant"
    """Whose count: `tenant`, `key:<key id>` or `user:<hash of the end user>`."""

    @property
    def counts_tokens(self) -> bool:
        return self.unit is Unit.TOKENS

    def amount(self) -> str:
        if self.unit is Unit.USD:
            return f"{self.value / MICRO_USD:.2f} USD"
        return str(self.value)

    def retry_after_s(self, frees: int | None, now: float) -> int:
        """Whole seconds until bucket `frees` stops counting (None: the current one)."""
        bucket = self.window.bucket(now) if frees is None else frees
        return max(1, math.ceil(self.window.frees_at(bucket) - now))


_FIELDS = (
    ("requests_per_minute", Unit.REQUESTS, Window(MINUTE)),
    ("tokens_per_minute", Unit.TOKENS, Window(MINUTE)),
    ("tokens_per_day", Unit.TOKENS, Window(DAY)),
    ("usd_per_day", Unit.USD, Window(calendar="day")),
    ("usd_per_month", Unit.USD, Window(calendar="month")),
)


def _limits_of(limits: Limits, scope: str) -> list[Limit]:
    found = []
    for name, unit, window in _FIELDS:
        value = getattr(limits, name)
        if value is not None:
            amount = math.ceil(value * MICRO_USD) if unit is Unit.USD else int(value)
            found.append(Limit(name, amount, window, unit, scope))
    return found


def end_user_scope(tenant: str, end_user: str) -> str:
    """End users by hash: their ids never appear in the store's keys."""
    digest = hashlib.sha256(f"{tenant}\0{end_user}".encode()).hexdigest()[:24]
    return f"user:{digest}"


def tenant_limits(quotas: TenantQuotas) -> tuple[Limit, ...]:
    """The tenant's own limits; empty means unlimited."""
    return tuple(_limits_of(quotas, "tenant"))


def request_limits(
    tenant: str, quotas: TenantQuotas, key_id: str, end_user: str
) -> tuple[Limit, ...]:
    """Every limit one request counts against: the tenant's, its key's, its end user's."""
    found = _limits_of(quotas, "tenant")
    if key_id:
        found += _limits_of(quotas.per_key, f"key:{key_id}")
    if end_user:
        found += _limits_of(quotas.per_end_user, end_user_scope(tenant, end_user))
    return tuple(found)


def describe(tenant: str, limit: Limit) -> str:
    """Whose limit, in a refusal: never the end user's id (the caller knows it)."""
    if limit.scope.startswith("key:"):
        return f"key {limit.scope[4:]!r} of tenant {tenant!r}"
    if limit.scope.startswith("user:"):
        return f"this end user of tenant {tenant!r}"
    return f"tenant {tenant!r}"


def text_tokens(texts: Sequence[str]) -> int:
    """About four characters per token (English prose under BPE tokenizers).

    Deliberately not a tokenizer: the gateway does not know every backend's
    vocabulary, the estimate only has to be close enough to hold a reservation,
    and the real usage replaces it when the answer arrives.
    """
    return sum(math.ceil(len(text) / CHARS_PER_TOKEN) for text in texts)


def estimate_tokens(messages: Sequence[ChatMessage], max_tokens: int) -> int:
    """What a request may cost before it runs: its prompt estimate plus its completion cap."""
    return text_tokens([message.content for message in messages]) + max_tokens


def micro_usd(cost: float | None) -> int:
    return math.ceil((cost or 0.0) * MICRO_USD - 1e-6)
