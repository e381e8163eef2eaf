"""What the quota pipeline needs of a counter store (in-process or Redis).

A store only counts: it checks and increments every counter of a reservation
as one atomic step (all or none), and adjusts counters later. Which limits
apply and how much to charge is decided by `Quotas`; how a limit counts (its
buckets, its window) by its `Limit`.
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
    """One counter a reservation incremented: the limit, the bucket, and by how much."""

    limit: Limit
    bucket: int
    amount: int
    used: int | None = None
    """The counter after this reservation, when the store says (the headroom metric)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """The first limit that had no room; nothing was incremented."""

    limit: Limit
    retry_after_s: int


def first_room(buckets: Sequence[tuple[int, int]], need: int) -> int | None:
    """The bucket whose leaving the window frees `need` (oldest first), None if none can."""
    freed = 0
    for bucket, amount in sorted(buckets):
        freed += amount
        if freed >= need:
            return bucket
    return None


class QuotaStore(Protocol):
    async def reserve(
        self, tenant: str, charges: Sequence[Charge], now: float
    ) -> tuple[Hold, ...] | Refusal:
        """Add each charge to its limit's bucket of `now` if every limit has room counting
        the buckets still in its window, else add nothing. Raise `QuotaStoreError` if the
        store cannot answer."""
        ...

    async def adjust(self, tenant: str, changes: Sequence[tuple[Hold, int]]) -> None:
        """Add each delta to its hold's bucket, never below zero; buckets that are already
        gone stay gone. Raise `QuotaStoreError` if the store cannot answer."""
        ...

    async def close(self) -> None: ...
