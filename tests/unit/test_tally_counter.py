"""Request-path counters summed in-process: what a reader collects is what was added."""

from __future__ import annotations

import logging

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, Sum

from modelgw.common.metrics import Metrics, TallyCounter, counter


def _totals(reader: InMemoryMetricReader, name: str) -> dict[frozenset[tuple[str, str]], float]:
    data = reader.get_metrics_data()
    assert data is not None
    found: dict[frozenset[tuple[str, str]], float] = {}
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    assert isinstance(metric.data, Sum) and metric.data.is_monotonic
                    for point in metric.data.data_points:
                        attributes = dict(point.attributes or {})
                        found[frozenset((k, str(v)) for k, v in attributes.items())] = point.value
    return found


def test_adds_are_summed_per_series_whatever_the_order_of_the_labels() -> None:
    reader = InMemoryMetricReader()
    requests = counter(MeterProvider([reader]).get_meter("t"), "r", unit="1", description="d")
    assert isinstance(requests, TallyCounter)
    requests.add(1, {"tenant": "acme", "status": "OK"})
    requests.add(2, {"status": "OK", "tenant": "acme"})
    requests.add(1, {"tenant": "globex", "status": "OK"})
    assert _totals(reader, "r") == {
        frozenset({("tenant", "acme"), ("status", "OK")}): 3,
        frozenset({("tenant", "globex"), ("status", "OK")}): 1,
    }
    requests.add(0.5, {"tenant": "acme", "status": "OK"})
    assert _totals(reader, "r")[frozenset({("tenant", "acme"), ("status", "OK")})] == 3.5


def test_a_negative_amount_is_dropped_and_said(caplog: pytest.LogCaptureFixture) -> None:
    reader = InMemoryMetricReader()
    tokens = counter(MeterProvider([reader]).get_meter("t"), "n", unit="1", description="d")
    tokens.add(5, {"type": "input"})
    with caplog.at_level(logging.WARNING):
        tokens.add(-3, {"type": "input"})
    assert "only goes up" in caplog.text
    assert _totals(reader, "n") == {frozenset({("type", "input")}): 5}


def test_with_metrics_off_nothing_is_kept() -> None:
    off = counter(Metrics.off().meter(), "r", unit="1", description="d")
    assert not isinstance(off, TallyCounter)
    off.add(1, {"tenant": "acme"})
