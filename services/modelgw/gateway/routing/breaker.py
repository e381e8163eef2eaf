"""A circuit breaker per backend: stop sending to a backend that keeps failing.

Closed: calls flow; `failure_threshold` consecutive failures open it. Open:
calls are refused for `open_s`, so a dead backend costs nothing and its
traffic goes to the fallback at once. Half-open: one probe call goes through;
its success closes the breaker, its failure opens it again for another `open_s`.
Only the backend's own failures count (timeouts, 429, 5xx, unavailable),
never a caller's bad request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from modelgw.common.config.routing import BreakerConfig


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(self, config: BreakerConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self._config.open_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def try_acquire(self) -> bool:
        """Whether a call may go now; in half-open only one probe at a time may."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        return False

    def release(self) -> None:
        """A call that got a permit ended without a verdict (cancelled, caller's error)."""
        self._probe_in_flight = False

    def on_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probe_in_flight = False

    def on_failure(self) -> None:
        self._failures += 1
        was_probe = self._probe_in_flight
        self._probe_in_flight = False
        if was_probe or self._failures >= self._config.failure_threshold:
            self._opened_at = self._clock()
