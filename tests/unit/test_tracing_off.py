"""With trace export off, spans are not recorded, yet trace ids still flow.

Recording a span nobody exports costs the request path its attributes, events and
processor calls (4-8% of the bare path's CPU in issue 19's profile); the trace id is
what logs, audit records and the services called still need.
"""

from __future__ import annotations

from opentelemetry import context, propagate
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from modelgw.common.config.schema import TelemetryConfig
from modelgw.common.telemetry import (
    build_tracer_provider,
    child_span,
    current_trace_id,
    start_child_span,
    tracer,
)

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_spans_are_not_recorded_but_keep_a_trace_id() -> None:
    tracer = build_tracer_provider(TelemetryConfig(), service="test").get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        context = span.get_span_context()
        assert not span.is_recording()
        assert context.is_valid and context.trace_id != 0


def test_the_callers_trace_id_is_kept() -> None:
    tracer = build_tracer_provider(TelemetryConfig(), service="test").get_tracer("test")
    parent = propagate.extract({"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"})
    with tracer.start_as_current_span("request", context=parent) as span:
        assert format(span.get_span_context().trace_id, "032x") == CALLER_TRACE
        assert not span.is_recording()


def test_a_span_processor_turns_recording_on() -> None:
    exporter = InMemorySpanExporter()
    provider = build_tracer_provider(
        TelemetryConfig(), service="test", extra_processors=[SimpleSpanProcessor(exporter)]
    )
    with provider.get_tracer("test").start_as_current_span("request") as span:
        assert span.is_recording()
    assert [s.name for s in exporter.get_finished_spans()] == ["request"]


def test_no_child_span_is_built_under_a_dropped_one() -> None:
    """Nothing could record it: the request's span stays current, with its trace id."""
    tracer = build_tracer_provider(TelemetryConfig(), service="test").get_tracer("test")
    with tracer.start_as_current_span("request") as request:
        trace_id = current_trace_id()
        with child_span("modelgw.quota.reserve") as child:
            assert child is request
            assert current_trace_id() == trace_id
        backend = start_child_span("chat model")
        assert backend is request
        backend.set_attribute("gen_ai.request.model", "model")  # a no-op, as on any dropped span
        backend.end()
        assert not request.is_recording()


def test_child_spans_are_recorded_under_a_recorded_span(span_exporter) -> None:
    """The process's provider records (as with export on): children are built as before."""
    span_exporter.clear()
    with tracer().start_as_current_span("request") as request:
        assert request.is_recording()
        with child_span("modelgw.audit.record") as child:
            assert child is not request and child.is_recording()
        start_child_span("chat model").end()
    spans = {s.name: s for s in span_exporter.get_finished_spans()}
    parent = spans["request"].context.span_id
    assert spans["modelgw.audit.record"].parent.span_id == parent
    assert spans["chat model"].parent.span_id == parent


def test_a_sampled_remote_parent_is_left_to_the_sampler(span_exporter) -> None:
    """A caller's sampled trace with no span of ours yet: the child is the sampler's call."""
    span_exporter.clear()
    caller = propagate.extract({"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"})
    token = context.attach(caller)
    try:
        with child_span("modelgw.trust.protect") as span:
            assert span.is_recording()
            assert format(span.get_span_context().trace_id, "032x") == CALLER_TRACE
    finally:
        context.detach(token)
    assert [s.name for s in span_exporter.get_finished_spans()] == ["modelgw.trust.protect"]


def test_a_server_span_built_without_the_sampler_is_the_sdks(monkeypatch) -> None:
    """`server_span` skips the SDK's sampler call where it can only say no: the span must be
    the one the SDK would have made, in a new trace or the caller's (flags, state, ids)."""
    from opentelemetry import trace

    from modelgw.common.telemetry import server_span

    provider = build_tracer_provider(TelemetryConfig(), service="test")
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    sdk = provider.get_tracer("test")
    callers = [
        None,
        propagate.extract({"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"}),
        propagate.extract(
            {"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-03", "tracestate": "a=b"}
        ),
    ]
    for caller in callers:
        with sdk.start_as_current_span("r", context=caller, kind=trace.SpanKind.SERVER) as a:
            expected = a.get_span_context()
        with server_span("r", caller, {}) as span:
            got = span.get_span_context()
            assert trace.get_current_span().get_span_context() == got
        assert not span.is_recording()
        assert (got.trace_flags, got.trace_state, got.is_remote) == (
            expected.trace_flags,
            expected.trace_state,
            expected.is_remote,
        )
        assert got.span_id != expected.span_id
        assert (got.trace_id == expected.trace_id) == (caller is not None)
