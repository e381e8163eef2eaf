"""What the trust engine tells operators: how long detection takes, how much waits, what fails.

Recorded where detection runs: in the trust service when it runs apart, in the
gateway under `modelgw serve`. Labels are the tenant (from config) and a
closed set of failure reasons; never a text, an entity value or a request id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from opentelemetry.metrics import CallbackOptions, Meter, Observation

from modelgw.common.metrics import FAST_BUCKETS_S, Metrics


class TrustMetrics:
    def __init__(self, meter: Meter) -> None:
        self._meter = meter
        self._duration = meter.create_histogram(
            "modelgw.trust.detection.duration",
            unit="s",
            description="Personal-data detection of one request's texts that were not "
            "memoised, queueing included.",
            explicit_bucket_boundaries_advisory=FAST_BUCKETS_S,
        )
        self._failures = meter.create_counter(
            "modelgw.trust.detection.failures",
            unit="{request}",
            description="Detections that could not decide (queue_full, timeout, error): each "
            "fails its request closed unless the tenant opted its local routes into fail-open.",
        )

    @classmethod
    def off(cls) -> TrustMetrics:
        return cls(Metrics.off().meter())

    def detected(self, tenant: str, seconds: float) -> None:
        self._duration.record(seconds, {"tenant": tenant})

    def failed(self, tenant: str, reason: str) -> None:
        self._failures.add(1, {"tenant": tenant, "reason": reason})

    def observe_queue(self, pending: Callable[[], int]) -> None:
        """`modelgw.trust.detection.queue`: texts (or chunks of them) waiting for a worker."""

        def observe(_: CallbackOptions) -> Iterable[Observation]:
            yield Observation(pending())

        self._meter.create_observable_gauge(
            "modelgw.trust.detection.queue",
            callbacks=[observe],
            unit="{item}",
            description="Texts and chunks of texts waiting for a detection worker.",
        )
