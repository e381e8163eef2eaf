"""What the quota pipeline needs of a counter store (in-process or Redis).

A store only counts: it checks and increments every counter of a reservation
as one atomic step (all or none), and adjusts counters later. Which limits
apply and how much to charge is decided by `Quotas`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from modelgw.gateway.quotas.limits import Limit


class QuotaStoreError(Exception):
    """The store could not be reached or did not answer in time."""


@dataclass(frozen=True, slots=True)
class Charge:
    limit: Limit
    amount: int


@dataclass(frozen=True, slots=True)
class Hold:
    """One counter a reservation incremented: the limit, its window, and by how much."""

    limit: Limit
    window: int
    amount: int
    used: int | None = None
    """The counter after this reservation, when the store says (the headroom metric)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """The first limit that had no room; nothing was incremented."""

    limit: Limit
    retry_after_s: int


class QuotaStore(Protocol):
    async def reserve(
        self, tenant: str, charges: Sequence[Charge], now: float
    ) -> tuple[Hold, ...] | Refusal:
        """Increment every charge's counter in the window of `now`, or none if one would
        pass its limit. Raise `QuotaStoreError` if the store cannot answer."""
        ...

    async def adjust(self, tenant: str, changes: Sequence[tuple[Hold, int]]) -> None:
        """Add each delta to its hold's counter, never below zero; counters of windows
        that are already gone stay gone. Raise `QuotaStoreError` if the store cannot answer."""
        ...

    async def close(self) -> None: ...
