"""Counters in this process: the embedded default of `modelgw serve`.

Same semantics as the Redis store, for one process only: replicas with a
memory store each count on their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from modelgw.gateway.quotas.limits import Limit, Window
from modelgw.gateway.quotas.store import Charge, Hold, Refusal, first_room

_SWEEP_EVERY = 1024
"""Reservations between two sweeps of counters nobody touched for a whole window."""


def _key(tenant: str, limit: Limit) -> str:
    return f"{tenant}:{limit.scope}:{limit.name}"


class MemoryQuotaStore:
    def __init__(self) -> None:
        self._counters: dict[str, dict[int, int]] = {}
        self._windows: dict[str, Window] = {}
        self._lock = asyncio.Lock()
        self._reservations = 0

    async def reserve(
        self, tenant: str, charges: Sequence[Charge], now: float
    ) -> tuple[Hold, ...] | Refusal:
        async with self._lock:
            self._reservations += 1
            if self._reservations % _SWEEP_EVERY == 0:
                self._sweep(now)
            holds = tuple(Hold(c.limit, c.limit.window.bucket(now), c.amount) for c in charges)
            for hold in holds:
                key = _key(tenant, hold.limit)
                buckets = self._counters.setdefault(key, {})
                self._windows[key] = hold.limit.window
                oldest = hold.limit.window.oldest(now)
                for gone in [b for b in buckets if b < oldest]:
                    del buckets[gone]
                used = sum(buckets.values())
                if used + hold.amount > hold.limit.value:
                    frees = first_room(list(buckets.items()), used + hold.amount - hold.limit.value)
                    return Refusal(hold.limit, hold.limit.retry_after_s(frees, now))
            for hold in holds:
                buckets = self._counters[_key(tenant, hold.limit)]
                buckets[hold.bucket] = buckets.get(hold.bucket, 0) + hold.amount
            return tuple(
                replace(h, used=sum(self._counters[_key(tenant, h.limit)].values())) for h in holds
            )

    async def adjust(self, tenant: str, changes: Sequence[tuple[Hold, int]]) -> None:
        async with self._lock:
            for hold, delta in changes:
                buckets = self._counters.get(_key(tenant, hold.limit), {})
                if hold.bucket in buckets:
                    buckets[hold.bucket] = max(0, buckets[hold.bucket] + delta)

    def _sweep(self, now: float) -> None:
        """Forget counters whose every bucket has left its window, so memory stays bounded
        however many keys and end users come and go."""
        for key, buckets in list(self._counters.items()):
            oldest = self._windows[key].oldest(now)
            if all(b < oldest for b in buckets):
                del self._counters[key]
                del self._windows[key]

    def used(self, tenant: str, limit: str, scope: str = "tenant") -> int:
        """Everything a limit's counter holds (for tests and diagnostics)."""
        return sum(self._counters.get(f"{tenant}:{scope}:{limit}", {}).values())

    async def close(self) -> None:
        self._counters.clear()
        self._windows.clear()
