"""Counters in this process: the embedded default of `modelgw serve`.

Same semantics as the Redis store, for one process only: replicas with a
memory store each count on their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from modelgw.gateway.quotas.store import Charge, Hold, Refusal

_Counter = tuple[str, int]  # (limit name, window start)


class MemoryQuotaStore:
    def __init__(self) -> None:
        self._counters: dict[str, dict[_Counter, int]] = {}
        self._lock = asyncio.Lock()

    async def reserve(
        self, tenant: str, charges: Sequence[Charge], now: float
    ) -> tuple[Hold, ...] | Refusal:
        async with self._lock:
            counters = self._counters.setdefault(tenant, {})
            self._forget_ended(counters, charges, now)
            holds = tuple(Hold(c.limit, c.limit.window(now), c.amount) for c in charges)
            for hold in holds:
                used = counters.get((hold.limit.name, hold.window), 0)
                if used + hold.amount > hold.limit.value:
                    return Refusal(hold.limit, hold.limit.retry_after_s(hold.window, now))
            for hold in holds:
                key = (hold.limit.name, hold.window)
                counters[key] = counters.get(key, 0) + hold.amount
            return tuple(replace(h, used=counters[(h.limit.name, h.window)]) for h in holds)

    async def adjust(self, tenant: str, changes: Sequence[tuple[Hold, int]]) -> None:
        async with self._lock:
            counters = self._counters.get(tenant, {})
            for hold, delta in changes:
                key = (hold.limit.name, hold.window)
                if key in counters:
                    counters[key] = max(0, counters[key] + delta)

    @staticmethod
    def _forget_ended(counters: dict[_Counter, int], charges: Sequence[Charge], now: float) -> None:
        """Drop this tenant's counters of windows that have ended, so memory stays bounded."""
        current = {c.limit.name: c.limit.window(now) for c in charges}
        for key in [k for k in counters if k[0] not in current or k[1] < current[k[0]]]:
            del counters[key]

    def used(self, tenant: str, limit: str, window: int) -> int:
        """The counter of one window (for tests and diagnostics)."""
        return self._counters.get(tenant, {}).get((limit, window), 0)

    async def close(self) -> None:
        self._counters.clear()
