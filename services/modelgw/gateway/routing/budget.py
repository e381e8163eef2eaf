"""The retry budget: retries may add at most a fraction of the traffic.

Without it, every request to a dead backend turns into `max_attempts` calls
and a brown-out becomes an outage. Counted over a sliding window: a retry is
allowed while retries < min_per_s * window + ratio * first tries.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from modelgw.common.config.routing import RetryConfig


class RetryBudget:
    def __init__(self, config: RetryConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._requests: deque[float] = deque()
        self._retries: deque[float] = deque()

    def _trim(self, now: float) -> None:
        horizon = now - self._config.budget_window_s
        for events in (self._requests, self._retries):
            while events and events[0] < horizon:
                events.popleft()

    def record_request(self) -> None:
        # Trimmed here too, not only when a retry is asked for: while every first try
        # succeeds nothing else would ever drop the old timestamps.
        now = self._clock()
        self._trim(now)
        self._requests.append(now)

    def try_spend(self) -> bool:
        """Take one retry from the budget, or say there is none left."""
        now = self._clock()
        self._trim(now)
        allowed = (
            self._config.budget_min_per_s * self._config.budget_window_s
            + self._config.budget_ratio * len(self._requests)
        )
        if len(self._retries) >= allowed:
            return False
        self._retries.append(now)
        return True
