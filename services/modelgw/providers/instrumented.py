"""Every backend call as a GenAI client operation: a CLIENT span and the GenAI client metrics.

Wrapping the `Backend` contract, not each transport, covers every provider the
same way (HTTP adapters, the vLLM gRPC workers, echo) with one set of
attribute names. No trace context is sent upstream: an external provider has
no use for our trace ids, and the span still times the call from our side.

What is recorded is names, counts and timings; the masked prompt and the answer
never become an attribute.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from opentelemetry import trace
from opentelemetry.metrics import Meter
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from modelgw.common import genai
from modelgw.common.config.providers import Locality
from modelgw.common.errors import BackendError, ModelgwError
from modelgw.common.metrics import DURATION_BUCKETS_S, TOKEN_BUCKETS
from modelgw.common.telemetry import start_child_span
from modelgw.providers.base import (
    Backend,
    BackendRequest,
    BackendResponse,
    EmbeddingBackend,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)
from modelgw.providers.features import Feature, backend_features

Attributes = dict[str, str]


class BackendInstruments:
    """The GenAI client instruments, created once per process and shared by every backend."""

    def __init__(self, meter: Meter) -> None:
        self.duration = meter.create_histogram(
            genai.CLIENT_OPERATION_DURATION,
            unit="s",
            description="Duration of a backend call, to the end of its answer.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
        )
        self.tokens = meter.create_histogram(
            genai.CLIENT_TOKEN_USAGE,
            unit="{token}",
            description="Input and output tokens of a backend call, as the backend reported.",
            explicit_bucket_boundaries_advisory=TOKEN_BUCKETS,
        )
        self.first_chunk = meter.create_histogram(
            genai.CLIENT_TIME_TO_FIRST_CHUNK,
            unit="s",
            description="From sending a streamed backend call to its first chunk of text.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
        )
        self.per_chunk = meter.create_histogram(
            genai.CLIENT_TIME_PER_OUTPUT_CHUNK,
            unit="s",
            description="Time between consecutive chunks of text of a streamed backend call.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
        )


def error_type(exc: BaseException) -> str:
    """`error.type`: the status a backend failure carries, or the exception's class."""
    if isinstance(exc, BackendError | ModelgwError):
        return exc.code.name
    if isinstance(exc, asyncio.CancelledError | GeneratorExit):
        return "cancelled"
    return type(exc).__qualname__


class InstrumentedBackend:
    """A `Backend` whose calls are traced and measured; it changes nothing else."""

    def __init__(self, inner: Backend, instruments: BackendInstruments) -> None:
        self._inner = inner
        self._instruments = instruments

    @property
    def inner(self) -> Backend:
        return self._inner

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def provider_type(self) -> str:
        return self._inner.provider_type

    @property
    def locality(self) -> Locality:
        return self._inner.locality

    @property
    def features(self) -> frozenset[Feature]:
        """What the wrapped backend serves: routing asks the wrapper."""
        return backend_features(self._inner)

    def _attributes(self, request: BackendRequest) -> Attributes:
        return {
            genai.OPERATION_NAME: genai.CHAT,
            genai.PROVIDER_NAME: genai.provider_name(self._inner.provider_type),
            genai.REQUEST_MODEL: request.model,
            "modelgw.backend": self._inner.name,
        }

    def _span(self, request: BackendRequest, attributes: Attributes, streamed: bool) -> Span:
        span = start_child_span(
            f"{genai.CHAT} {request.model}",
            kind=SpanKind.CLIENT,
            attributes={**attributes, "modelgw.locality": self.locality.value},
        )
        span.set_attribute(genai.REQUEST_STREAM, streamed)
        return span

    async def generate(self, request: BackendRequest) -> BackendResponse:
        attributes = self._attributes(request)
        span = self._span(request, attributes, streamed=False)
        start = time.monotonic()
        try:
            with trace.use_span(span, end_on_exit=False, record_exception=False):
                response = await self._inner.generate(request)
        except BaseException as exc:
            self._failed(span, attributes, start, exc)
            raise
        self._answered(span, attributes, start, response.finish_reason.value, response)
        return response

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        attributes = self._attributes(request)
        span = self._span(request, attributes, streamed=True)
        start = last = time.monotonic()
        first = True
        finish = ""
        usage: StreamChunk | None = None
        try:
            async for chunk in self._inner.stream(request):
                if chunk.delta:
                    now = time.monotonic()
                    if first:
                        self._instruments.first_chunk.record(now - start, attributes)
                        first = False
                    else:
                        self._instruments.per_chunk.record(now - last, attributes)
                    last = now
                if chunk.finish_reason is not None:
                    finish = chunk.finish_reason.value
                if chunk.usage is not None:
                    usage = chunk
                yield chunk
        except BaseException as exc:
            self._failed(span, attributes, start, exc)
            raise
        self._answered(span, attributes, start, finish, usage)

    def _answered(
        self,
        span: Span,
        attributes: Attributes,
        start: float,
        finish_reason: str,
        reported: BackendResponse | StreamChunk | None,
    ) -> None:
        self._instruments.duration.record(time.monotonic() - start, attributes)
        if finish_reason:
            span.set_attribute(genai.RESPONSE_FINISH_REASONS, (finish_reason,))
        usage = reported.usage if reported is not None else None
        if usage is not None and (usage.prompt_tokens or usage.completion_tokens):
            for kind, count, key in (
                ("input", usage.prompt_tokens, genai.USAGE_INPUT_TOKENS),
                ("output", usage.completion_tokens, genai.USAGE_OUTPUT_TOKENS),
            ):
                self._instruments.tokens.record(count, {**attributes, genai.TOKEN_TYPE: kind})
                span.set_attribute(key, count)
        span.end()

    def _failed(self, span: Span, attributes: Attributes, start: float, exc: BaseException) -> None:
        kind = error_type(exc)
        self._instruments.duration.record(
            time.monotonic() - start, {**attributes, genai.ERROR_TYPE: kind}
        )
        span.set_attribute(genai.ERROR_TYPE, kind)
        if kind != "cancelled":
            # The status names the class of failure; the message stays out (a provider's
            # error text may quote the masked prompt back).
            span.set_status(Status(StatusCode.ERROR, kind))
        span.end()

    async def close(self) -> None:
        await self._inner.close()


class InstrumentedEmbeddingBackend(InstrumentedBackend):
    """An `InstrumentedBackend` around a backend that embeds too: embedding calls pass
    through in a CLIENT span of their own."""

    def __init__(self, inner: EmbeddingBackend, instruments: BackendInstruments) -> None:
        """`inner` is a `Backend` that also embeds."""
        super().__init__(inner, instruments)  # type: ignore[arg-type]  # it is a Backend too; Protocols do not intersect
        self._embedder = inner

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        span = start_child_span(
            f"embeddings {request.model}",
            kind=SpanKind.CLIENT,
            attributes={
                genai.OPERATION_NAME: "embeddings",
                genai.PROVIDER_NAME: genai.provider_name(self.provider_type),
                genai.REQUEST_MODEL: request.model,
                "modelgw.backend": self.name,
            },
        )
        try:
            with trace.use_span(span, end_on_exit=False):
                return await self._embedder.embed(request)
        except BaseException as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise
        finally:
            span.end()


def instrument(backend: Backend, instruments: BackendInstruments) -> InstrumentedBackend:
    """The backend traced and measured, keeping what it can do (embeddings included)."""
    if isinstance(backend, EmbeddingBackend):
        return InstrumentedEmbeddingBackend(backend, instruments)
    return InstrumentedBackend(backend, instruments)
