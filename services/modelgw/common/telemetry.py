"""OpenTelemetry tracing for every modelgw process.

Spans carry names, ids, counts and decisions — never prompt or answer text,
never a personal value: span attributes leave the process for a collector
that is outside the trust boundary. Export is off unless
`telemetry.otlp_endpoint` is set (plaintext to a collector beside the service
unless `telemetry.otlp_insecure` is false); trace ids still flow into audit records
and across services (W3C trace context over gRPC metadata).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import grpc
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased

from modelgw.common.config.schema import TelemetryConfig
from modelgw.common.tls import read_certificates

if TYPE_CHECKING:
    import grpc

TRACER_NAME = "modelgw"


def build_tracer_provider(
    config: TelemetryConfig, service: str, extra_processors: Iterable[SpanProcessor] = ()
) -> TracerProvider:
    """The process's tracer provider: spans are recorded only when something reads them.

    With export off and no other span processor, every span is left unsampled: a
    non-recording span that still carries its trace id (new, or the caller's), so trace
    ids still reach the logs, the audit records and the services called, but no span
    is built, given attributes and handed to processors that would throw it away.
    """
    extra = list(extra_processors)
    recording = bool(config.otlp_endpoint or extra)
    provider = TracerProvider(
        resource=Resource.create({"service.name": config.service_name, "modelgw.service": service}),
        sampler=ParentBased(TraceIdRatioBased(config.sample_ratio)) if recording else ALWAYS_OFF,
    )
    if config.otlp_endpoint:
        provider.add_span_processor(BatchSpanProcessor(otlp_exporter(config)))
    for processor in extra:
        provider.add_span_processor(processor)
    return provider


def otlp_exporter(config: TelemetryConfig) -> SpanExporter:
    """The OTLP/gRPC exporter: plaintext (`otlp_insecure`) or TLS against the configured CA."""
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    if config.otlp_insecure:
        return OTLPSpanExporter(endpoint=config.otlp_endpoint, insecure=True)
    roots = read_certificates(config.otlp_ca_file, "OTLP CA") if config.otlp_ca_file else None
    return OTLPSpanExporter(
        endpoint=config.otlp_endpoint,
        insecure=False,
        credentials=grpc.ssl_channel_credentials(roots),
    )


def install_tracer_provider(provider: TracerProvider) -> None:
    """Make `provider` the process-wide one (OpenTelemetry's API is process-global by design).

    Called once by the CLI at start; libraries and our code look it up through
    `trace.get_tracer`, so tests can install their own.
    """
    trace.set_tracer_provider(provider)


@functools.cache
def tracer() -> trace.Tracer:
    """modelgw's tracer, looked up once: a lookup builds and compares an instrumentation
    scope (8% of the bare request path's CPU when done per span). Kept before a provider
    is installed, it is OpenTelemetry's proxy, which follows the provider installed later."""
    return trace.get_tracer(TRACER_NAME)


def _dropped_parent() -> trace.Span | None:
    """The current span if no child of it can be recorded, else None.

    A local span the sampler dropped is non-recording and unsampled; every sampler
    modelgw installs (`ParentBased`, or `ALWAYS_OFF` with export off) drops its children
    too, so building one only to throw it away is waste: a sampler call, a new span id and
    a context switch in and out, six times per request on the bare path. A remote parent
    is left to the sampler (its own rule for remote parents), and so is a recording one.
    """
    span = trace.get_current_span()
    context = span.get_span_context()
    if (
        context.is_valid
        and not context.is_remote
        and not context.trace_flags.sampled
        and not span.is_recording()
    ):
        return span
    return None


def child_span(name: str, **kwargs: Any) -> AbstractContextManager[trace.Span]:
    """`tracer().start_as_current_span(name, ...)`, unless it could never be recorded: then
    the current (non-recording) span stays current and is what the block gets. Trace ids
    are the same either way; only the span id passed on is the parent's."""
    if (parent := _dropped_parent()) is not None:
        return contextlib.nullcontext(parent)
    return tracer().start_as_current_span(name, **kwargs)


def server_span(
    name: str, context: Context | None, attributes: dict[str, str]
) -> AbstractContextManager[trace.Span]:
    """A SERVER span for a request, made current (`tracer().start_as_current_span`).

    Where the installed provider samples nothing (export off: `ALWAYS_OFF`), the span it
    would make is built here directly: non-recording, in the caller's trace or a new one,
    with a new span id, as the SDK builds it after asking the sampler (that call and its
    result were ~5% of the bare path's event loop). The trace id still reaches the logs
    and the audit record."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider) or provider.sampler is not ALWAYS_OFF:
        return tracer().start_as_current_span(
            name, context=context, kind=trace.SpanKind.SERVER, attributes=attributes
        )
    parent = trace.get_current_span(context).get_span_context()
    ids = provider.id_generator
    if parent.is_valid:
        trace_id, random, state = (
            parent.trace_id,
            parent.trace_flags.random_trace_id,
            parent.trace_state,
        )
    else:
        trace_id, random, state = ids.generate_trace_id(), ids.is_trace_id_random(), None
    flags = trace.TraceFlags.RANDOM_TRACE_ID if random else trace.TraceFlags.DEFAULT
    span = trace.NonRecordingSpan(
        trace.SpanContext(
            trace_id=trace_id,
            span_id=ids.generate_span_id(),
            is_remote=False,
            trace_flags=trace.TraceFlags(flags),
            trace_state=state,
        )
    )
    return trace.use_span(span, end_on_exit=True)


def start_child_span(name: str, **kwargs: Any) -> trace.Span:
    """`tracer().start_span(name, ...)` on the rule of `child_span`: the current span where
    a new one could never be recorded (ending it, or setting attributes, does nothing)."""
    if (parent := _dropped_parent()) is not None:
        return parent
    return tracer().start_span(name, **kwargs)


def current_trace_id() -> str:
    """Hex trace id of the active span, or "" when there is none (or it is not sampled)."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""


def internal_client_interceptors() -> list[grpc.aio.ClientInterceptor]:
    """Client interceptors for the channels between modelgw services: each call is a CLIENT
    span and carries the trace context.

    `Trust/ScanAnswer` is left out: the instrumentation ends a bidirectional stream's span
    only when the caller iterates the call, and `RemoteResponseScanner` reads it message
    by message, so its span would never end and the service's span would hang from a
    parent no collector ever gets. That call carries `trace_metadata()` itself.
    """
    from opentelemetry.instrumentation.grpc import aio_client_interceptors, filters

    skip_scan = filters.negate(filters.method_name("ScanAnswer"))
    interceptors: list[grpc.aio.ClientInterceptor] = aio_client_interceptors(  # type: ignore[no-untyped-call]  # opentelemetry leaves it unannotated
        filter_=skip_scan
    )
    return interceptors


def trace_metadata() -> tuple[tuple[str, str], ...]:
    """The active trace context as gRPC metadata (W3C `traceparent`), for a call that no
    interceptor instruments."""
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return tuple(carrier.items())
