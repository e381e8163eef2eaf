"""Backends that asked to be left alone: an upstream's `retry-after`, honoured per model.

A drill showed the cost of ignoring it: an upstream answered 429 with
`retry-after: 30` and was called again 5 times within 0.1 s, until the breaker
opened, and then again after the breaker's 10 s. A rate limit is usually per
model (one deployment or model of a provider), so the pause is kept per
(backend, upstream model): the same backend still serves its other models.
While it lasts the routing engine skips that candidate and falls back; with
none left the caller is refused at once with RESOURCE_EXHAUSTED and the
soonest `retry-after`, without calling anyone.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from modelgw.common.errors import BackendError, ResourceExhausted
from modelgw.gateway.routing.plan import Candidate


class Cooldowns:
    def __init__(self, max_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        """`max_s` caps what an upstream may ask for (0: ignore `retry-after`)."""
        self._max_s = max_s
        self._clock = clock
        self._until: dict[tuple[str, str], float] = {}

    @staticmethod
    def _key(candidate: Candidate) -> tuple[str, str]:
        return candidate.name, candidate.upstream_model

    def note(self, candidate: Candidate, exc: BackendError) -> float | None:
        """Start the pause the failure asked for (provider errors carry `retry_after_s`);
        the seconds it lasts, or None when it asked for none."""
        asked = getattr(exc, "retry_after_s", None)
        if not isinstance(asked, int | float) or asked <= 0 or self._max_s <= 0:
            return None
        seconds = min(float(asked), self._max_s)
        until = self._clock() + seconds
        key = self._key(candidate)
        self._until[key] = max(until, self._until.get(key, 0.0))
        return seconds

    def remaining(self, candidate: Candidate) -> float:
        """Seconds this candidate must still be left alone (0: it may be called)."""
        key = self._key(candidate)
        until = self._until.get(key)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._until[key]
            return 0.0
        return left


def all_cooling(model: str, soonest_s: float, notes: list[str]) -> ResourceExhausted:
    """Every backend that could answer asked us to wait: the caller is told how long."""
    wait = max(1, math.ceil(soonest_s))
    return ResourceExhausted(
        f"every backend of model {model!r} asked to be called again later (rate limited "
        f"upstream); retry in {wait} s: " + "; ".join(notes),
        retry_after_s=wait,
    )
