"""What the audit path tells operators: is the spool draining, and did anything go astray.

Recorded by the process that spools (the gateway): how much waits on local
disk and for how long, how long records take from the spool into the store,
and the receipts the store sends back (stored, replayed, dead-lettered).
The spool-full and dead-letter alerts are rules on these, no longer only log
lines.
"""

from __future__ import annotations

from collections.abc import Iterable

from opentelemetry.metrics import CallbackOptions, Meter, Observation

from modelgw.audit.spool import Spool
from modelgw.audit.store import AppendResult
from modelgw.common.metrics import DURATION_BUCKETS_S, Metrics


class AuditMetrics:
    def __init__(self, meter: Meter) -> None:
        self._meter = meter
        self._delivered = meter.create_counter(
            "modelgw.audit.delivered",
            unit="{record}",
            description="Spooled audit records the store confirmed, by result (stored, "
            "duplicate: a replayed batch the store already held).",
        )
        self._dead_letters = meter.create_counter(
            "modelgw.audit.dead_letters",
            unit="{record}",
            description="Audit records the store refused and put in the dead-letter table: "
            "each needs an operator (`modelgw audit dead-letters list`).",
        )
        self._failures = meter.create_counter(
            "modelgw.audit.delivery.failures",
            unit="{batch}",
            description="Spool batches the audit store or service did not take (retried).",
        )
        self._lag = meter.create_histogram(
            "modelgw.audit.ingest.lag",
            unit="s",
            description="From a record's write to the spool to the store's confirmation, of "
            "the oldest record of each delivered batch.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
        )

    @classmethod
    def off(cls) -> AuditMetrics:
        return cls(Metrics.off().meter())

    def delivered(self, receipt: AppendResult, lag_s: float) -> None:
        if receipt.stored:
            self._delivered.add(receipt.stored, {"result": "stored"})
        if receipt.duplicates:
            self._delivered.add(receipt.duplicates, {"result": "duplicate"})
        if receipt.dead_lettered:
            self._dead_letters.add(receipt.dead_lettered)
        self._lag.record(lag_s)

    def delivery_failed(self) -> None:
        self._failures.add(1)

    def observe_spool(self, spool: Spool) -> None:
        """`modelgw.audit.spool.pending` (bytes) and `modelgw.audit.spool.oldest_age` (s)."""

        def pending(_: CallbackOptions) -> Iterable[Observation]:
            yield Observation(spool.pending_bytes())

        def oldest(_: CallbackOptions) -> Iterable[Observation]:
            yield Observation(spool.oldest_unsent_age())

        self._meter.create_observable_gauge(
            "modelgw.audit.spool.pending",
            callbacks=[pending],
            unit="By",
            description="Audit records written to the local spool and not yet delivered.",
        )
        self._meter.create_observable_gauge(
            "modelgw.audit.spool.oldest_age",
            callbacks=[oldest],
            unit="s",
            description="Age of the oldest undelivered record in the spool (0 when empty); "
            "after a restart, counted from the start.",
        )
