"""OpenTelemetry metrics for every modelgw process: one `MeterProvider`, two ways out.

Prometheus scrapes `/metrics` (rendered from this provider's own registry, never
prometheus_client's process-global one, so two providers in one process, as in
tests, never mix), and OTLP pushes the same instruments to a collector when
`telemetry.otlp_endpoint` is set.

Labels are bounded by construction: tenant, model and backend names come from
config; statuses, decisions and entity types from closed sets. Request ids, end
users, session ids and any text never become a label: a label value leaves the
process for systems outside the trust boundary and multiplies the series kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import grpc
from opentelemetry.metrics import (
    CallbackOptions,
    Meter,
    MeterProvider,
    NoOpMeter,
    NoOpMeterProvider,
    Observation,
)
from opentelemetry.sdk.metrics import AlwaysOffExemplarFilter
from opentelemetry.sdk.metrics import MeterProvider as SdkMeterProvider
from opentelemetry.sdk.metrics.export import MetricReader
from opentelemetry.sdk.resources import Resource

from modelgw.common.config.observability import MetricsConfig
from modelgw.common.config.schema import TelemetryConfig
from modelgw.common.tls import read_certificates

log = logging.getLogger(__name__)

METER_NAME = "modelgw"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Bucket boundaries the GenAI semantic conventions recommend for their histograms.
DURATION_BUCKETS_S = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip
TOKEN_BUCKETS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)  # fmt: skip
FIRST_TOKEN_BUCKETS_S = (
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip
PER_TOKEN_BUCKETS_S = (
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
)  # fmt: skip
FAST_BUCKETS_S = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip
"""For modelgw's own short steps (detection, audit ingest)."""


class Adds(Protocol):
    """A counter as the request path uses it."""

    def add(self, amount: float, attributes: Mapping[str, str]) -> None: ...


class TallyCounter:
    """A monotonic counter summed here, which the SDK reads only when a reader collects.

    The SDK's synchronous `Counter.add` copies, validates and hashes the attributes of
    every measurement, a few µs each in Python, and a request adds to four or five
    counters (issue 19: the bare path's CPU per request against the fastest gateway).
    Here an add is one dict update under a lock; a scrape or an OTLP push sees one
    observation per series, the running total (an observable counter: the same
    monotonic sum in every exporter's output). Series are bounded by the labels'
    sources (config names and closed sets, see the module docstring).
    """

    def __init__(self, meter: Meter, name: str, *, unit: str, description: str) -> None:
        self._series: dict[frozenset[tuple[str, str]], tuple[dict[str, str], list[float]]] = {}
        self._lock = threading.Lock()
        meter.create_observable_counter(
            name, callbacks=[self._observe], unit=unit, description=description
        )

    def add(self, amount: float, attributes: Mapping[str, str]) -> None:
        if amount < 0:
            log.warning("a counter only goes up; %s dropped", amount)
            return
        key = frozenset(attributes.items())
        with self._lock:
            series = self._series.get(key)
            if series is None:
                self._series[key] = (dict(attributes), [amount])
            else:
                series[1][0] += amount

    def _observe(self, _: CallbackOptions) -> Iterable[Observation]:
        with self._lock:
            totals = [(attributes, total[0]) for attributes, total in self._series.values()]
        return [Observation(total, attributes) for attributes, total in totals]


def counter(meter: Meter, name: str, *, unit: str, description: str) -> Adds:
    """A counter for the request path: summed here (`TallyCounter`), or the no-op meter's
    own when metrics are off (then nothing is kept at all)."""
    if isinstance(meter, NoOpMeter):
        return meter.create_counter(name, unit=unit, description=description)
    return TallyCounter(meter, name, unit=unit, description=description)


class PrometheusExposition:
    """The text exposition of one provider's instruments, for a `/metrics` handler."""

    def __init__(self) -> None:
        from opentelemetry.exporter.prometheus import PrometheusMetricReader
        from prometheus_client import CollectorRegistry

        self._registry = CollectorRegistry(auto_describe=True)
        self.reader: MetricReader = PrometheusMetricReader(
            registry=self._registry, scope_info_enabled=False
        )

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self._registry)


@dataclass(frozen=True, slots=True)
class Metrics:
    """What a process records metrics with, and how Prometheus reads them (if it does)."""

    provider: MeterProvider
    exposition: PrometheusExposition | None = None

    @classmethod
    def off(cls) -> Metrics:
        """Every instrument a no-op: what a component gets when nobody wired metrics."""
        return cls(NoOpMeterProvider())

    def meter(self) -> Meter:
        return self.provider.get_meter(METER_NAME)

    def shutdown(self) -> None:
        if isinstance(self.provider, SdkMeterProvider):
            self.provider.shutdown()


def build_metrics(
    telemetry: TelemetryConfig,
    config: MetricsConfig,
    service: str,
    extra_readers: tuple[MetricReader, ...] = (),
) -> Metrics:
    """The process's provider: Prometheus always (when enabled), OTLP when configured.

    Not installed process-wide: each component gets it from the `Assembly`, so a test
    can hand in a provider of its own and read exactly what its requests recorded.
    """
    if not config.enabled:
        return Metrics.off()
    exposition = PrometheusExposition()
    readers = [exposition.reader, *extra_readers]
    if telemetry.otlp_endpoint:
        readers.append(_otlp_reader(telemetry, config))
    provider = SdkMeterProvider(
        metric_readers=readers,
        # No exemplars: the Prometheus text format has no room for them, and sampling
        # one costs a context lookup on every measurement.
        exemplar_filter=AlwaysOffExemplarFilter(),
        resource=Resource.create(
            {"service.name": telemetry.service_name, "modelgw.service": service}
        ),
    )
    return Metrics(provider, exposition)


def _otlp_reader(telemetry: TelemetryConfig, config: MetricsConfig) -> MetricReader:
    """Pushes to the same collector as the traces, over the same kind of channel: the trace
    exporter's TLS settings (`telemetry.otlp_insecure`, `otlp_ca_file`) apply here too."""
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    if telemetry.otlp_insecure:
        exporter = OTLPMetricExporter(endpoint=telemetry.otlp_endpoint, insecure=True)
    else:
        roots = (
            read_certificates(telemetry.otlp_ca_file, "OTLP CA") if telemetry.otlp_ca_file else None
        )
        exporter = OTLPMetricExporter(
            endpoint=telemetry.otlp_endpoint,
            insecure=False,
            credentials=grpc.ssl_channel_credentials(roots),
        )
    return PeriodicExportingMetricReader(
        exporter, export_interval_millis=config.otlp_interval_s * 1000
    )
