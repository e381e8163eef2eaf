"""The metrics parts on their own: routing events and breakers, the backend wrapper, the spool's
age, the `/metrics` listener, and metrics switched off."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.trace import StatusCode

from modelgw.audit.spool import Spool
from modelgw.common.config.observability import MetricsConfig
from modelgw.common.config.providers import Locality
from modelgw.common.config.routing import RoutingConfig
from modelgw.common.config.schema import TelemetryConfig
from modelgw.common.errors import BackendError
from modelgw.common.messages import FinishReason, GenerationParams, Usage
from modelgw.common.metrics import Metrics, build_metrics
from modelgw.common.metrics_http import metrics_app
from modelgw.gateway.http.server import start_http_server
from modelgw.gateway.routing.engine import RoutingEngine
from modelgw.gateway.routing.plan import Candidate, RoutePlan
from modelgw.gateway.telemetry import GatewayTelemetry
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from modelgw.providers.instrumented import BackendInstruments, InstrumentedBackend

Points = dict[tuple[str, frozenset[tuple[str, object]]], float]


def _points(reader: InMemoryMetricReader) -> Points:
    """Sums, gauges and histogram counts, by metric name and attributes."""
    points: Points = {}
    data = reader.get_metrics_data()
    assert data is not None
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    value = getattr(point, "value", None)
                    if value is None:
                        value = point.count  # type: ignore[union-attr]  # a histogram point
                    key = (metric.name, frozenset((point.attributes or {}).items()))
                    points[key] = value
    return points


class FlakyBackend:
    """Fails the first `failures` calls (retryable), then answers."""

    provider_type = "openai"
    locality = Locality.EXTERNAL

    def __init__(self, name: str, failures: int = 0) -> None:
        self.name = name
        self.failures = failures

    async def generate(self, request: BackendRequest) -> BackendResponse:
        if self.failures:
            self.failures -= 1
            raise BackendError("upstream 503", code=grpc.StatusCode.UNAVAILABLE, retryable=True)
        return BackendResponse("fine", FinishReason.STOP, Usage(3, 2))

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        for word in ("a", "b", "c"):
            yield StreamChunk(word)
        yield StreamChunk(finish_reason=FinishReason.STOP, usage=Usage(3, 3))

    async def close(self) -> None:
        return None


def _request() -> BackendRequest:
    return BackendRequest("gpt-x", [], GenerationParams(), "req-1")


async def test_retries_fallbacks_and_breaker_state_are_counted() -> None:
    reader = InMemoryMetricReader()
    telemetry = GatewayTelemetry(MeterProvider([reader]).get_meter("tests"))
    config = RoutingConfig.model_validate(
        {"retry": {"max_attempts_per_backend": 2}, "breaker": {"failure_threshold": 2}}
    )
    engine = RoutingEngine(config, sleep=lambda _s: asyncio.sleep(0), telemetry=telemetry)
    telemetry.observe_breakers(engine.breaker_states)
    primary, fallback = FlakyBackend("primary", failures=5), FlakyBackend("fallback")
    plan = RoutePlan("m", (Candidate(primary, "m"), Candidate(fallback, "m")))

    async def prepare(candidate: Candidate) -> BackendRequest:
        return _request()

    outcome, _ = await engine.generate(plan, None, prepare)
    assert outcome.candidate.name == "fallback"
    points = _points(reader)
    assert points[("modelgw.routing.retries", frozenset({("backend", "primary")}))] == 1
    fell_back = frozenset({("model", "m"), ("backend", "fallback")})
    assert points[("modelgw.routing.fallbacks", fell_back)] == 1
    breaker = "modelgw.routing.breaker.state"
    assert points[(breaker, frozenset({("backend", "primary"), ("state", "open")}))] == 1
    assert points[(breaker, frozenset({("backend", "primary"), ("state", "closed")}))] == 0
    assert points[(breaker, frozenset({("backend", "fallback"), ("state", "closed")}))] == 1


async def test_backend_calls_are_client_spans_and_genai_client_metrics() -> None:
    reader = InMemoryMetricReader()
    instruments = BackendInstruments(MeterProvider([reader]).get_meter("tests"))
    failing = InstrumentedBackend(FlakyBackend("openai-main", failures=1), instruments)
    streaming = InstrumentedBackend(FlakyBackend("openai-main"), instruments)
    with pytest.raises(BackendError):
        await failing.generate(_request())
    await failing.generate(_request())
    chunks = [c async for c in streaming.stream(_request())]
    assert len(chunks) == 4

    points = _points(reader)
    base = {
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.request.model", "gpt-x"),
        ("modelgw.backend", "openai-main"),
    }
    duration = "gen_ai.client.operation.duration"
    assert points[(duration, frozenset(base))] == 2
    assert points[(duration, frozenset({*base, ("error.type", "UNAVAILABLE")}))] == 1
    output = frozenset({*base, ("gen_ai.token.type", "output")})
    assert points[("gen_ai.client.token.usage", output)] == 2
    assert points[("gen_ai.client.operation.time_to_first_chunk", frozenset(base))] == 1
    assert points[("gen_ai.client.operation.time_per_output_chunk", frozenset(base))] == 2


async def test_backend_client_span_attributes(span_exporter) -> None:
    backend = InstrumentedBackend(
        FlakyBackend("openai-main", failures=1),
        BackendInstruments(Metrics.off().meter()),
    )
    span_exporter.clear()
    with pytest.raises(BackendError):
        await backend.generate(_request())
    await backend.generate(_request())
    failed, answered = span_exporter.get_finished_spans()
    assert failed.name == answered.name == "chat gpt-x"
    assert failed.status.status_code is StatusCode.ERROR
    assert failed.attributes["error.type"] == "UNAVAILABLE"
    assert answered.attributes["gen_ai.provider.name"] == "openai"
    assert answered.attributes["gen_ai.usage.input_tokens"] == 3
    assert answered.attributes["gen_ai.usage.output_tokens"] == 2
    assert answered.attributes["gen_ai.response.finish_reasons"] == ("stop",)


async def test_spool_age_of_the_oldest_unsent_record(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool", segment_bytes=1 << 20)
    spool.open()
    try:
        assert spool.oldest_unsent_age() == 0
        await spool.append(b"first")
        await asyncio.sleep(0.02)
        await spool.append(b"second")
        assert spool.oldest_unsent_age() >= 0.02
        payloads, position = spool.read_batch(1)
        assert payloads == [b"first"]
        spool.ack(position)
        assert 0 < spool.oldest_unsent_age() < 0.02 + 1  # now the second record's age
        payloads, position = spool.read_batch(10)
        spool.ack(position)
        assert spool.oldest_unsent_age() == 0
    finally:
        spool.close()


async def test_metrics_listener_serves_only_metrics() -> None:
    metrics = build_metrics(TelemetryConfig(), MetricsConfig(), service="tests")
    assert metrics.exposition is not None
    metrics.meter().create_counter("modelgw.tests").add(2, {"tenant": "acme"})
    server = await start_http_server(metrics_app(metrics.exposition), "127.0.0.1:0")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            scrape = await client.get("/metrics")
            other = await client.get("/v1/models")
    finally:
        await server.stop(0)
    assert scrape.status_code == 200
    assert 'modelgw_tests_total{tenant="acme"} 2.0' in scrape.text
    assert other.status_code == 404


def test_metrics_off_is_a_no_op_provider() -> None:
    metrics = build_metrics(TelemetryConfig(), MetricsConfig(enabled=False), service="tests")
    assert metrics.exposition is None
    GatewayTelemetry(metrics.meter()).quota_refused("acme", "requests_per_minute")
