"""The request pipeline, shared by every front door (gRPC now, HTTP later).

authenticate (done by the front door) → check access → protect (trust layer)
→ route → backend → restore → audit. Every request that got past
authentication leaves exactly one audit record, whatever happened.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from modelgw.audit.records import AuditRecord
from modelgw.audit.sink import AuditSink
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role as KeyRole
from modelgw.common.errors import BlockedByPolicy, ModelgwError, PermissionDenied
from modelgw.common.messages import (
    CallerMetadata,
    ChatMessage,
    FinishReason,
    GenerationParams,
    TrustDecision,
    TrustSummary,
    Usage,
)
from modelgw.common.telemetry import current_trace_id, tracer
from modelgw.control.directory import Principal
from modelgw.gateway.cache import CachedAnswer, ResponseCache, cache_key, is_cacheable
from modelgw.gateway.routing import RouteChoice, Router
from modelgw.gateway.validation import check_chat
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.providers.pricing import request_cost
from modelgw.trust.client import TrustClient
from modelgw.trust.engine import ProtectResult
from modelgw.trust.restore import StreamRestorer, restore_text
from opentelemetry import trace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChatRequest:
    model: str
    messages: list[ChatMessage]
    params: GenerationParams
    request_id: str
    caller: CallerMetadata = field(default_factory=CallerMetadata)
    deadline: float | None = None
    """`time.monotonic()` value by which the caller wants an answer."""


@dataclass(frozen=True, slots=True)
class RouteInfo:
    backend: str
    provider_type: str
    upstream_model: str
    locality: str
    reason: str

    @classmethod
    def of(cls, choice: RouteChoice) -> RouteInfo:
        return cls(
            backend=choice.backend.name,
            provider_type=choice.backend.provider_type,
            upstream_model=choice.upstream_model,
            locality=choice.backend.locality.value,
            reason=choice.reason,
        )


@dataclass(frozen=True, slots=True)
class ChatResult:
    request_id: str
    model: str
    text: str
    finish_reason: FinishReason
    usage: Usage
    trust: TrustSummary
    route: RouteInfo


@dataclass(frozen=True, slots=True)
class StreamStart:
    request_id: str
    route: RouteInfo
    trust: TrustSummary


@dataclass(frozen=True, slots=True)
class StreamDelta:
    text: str


@dataclass(frozen=True, slots=True)
class StreamEnd:
    finish_reason: FinishReason
    usage: Usage
    trust: TrustSummary


StreamEvent = StreamStart | StreamDelta | StreamEnd


@dataclass(slots=True)
class _Trail:
    """What the audit record of one request will say, filled in as the request proceeds."""

    principal: Principal
    request: ChatRequest
    streamed: bool
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.monotonic)
    route: RouteInfo | None = None
    protected: ProtectResult | None = None
    masked_response: str = ""
    usage: Usage = field(default_factory=Usage)
    cache_hit: bool = False
    trace_id: str = field(default_factory=current_trace_id)

    def record(self, status: str, error: str = "", cost: float | None = None) -> AuditRecord:
        summary = self.protected.summary if self.protected else TrustSummary(TrustDecision.CLEAN)
        route = self.route
        return AuditRecord(
            request_id=self.request.request_id,
            tenant=self.principal.tenant,
            api_key_id=self.principal.key_id,
            end_user=self.request.caller.end_user,
            session_id=self.request.caller.session_id,
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            model=self.request.model,
            status=status,
            backend=route.backend if route else "",
            provider_type=route.provider_type if route else "",
            upstream_model=route.upstream_model if route else "",
            locality=route.locality if route else "",
            route_reason=route.reason if route else "",
            masked_prompt=tuple(self.protected.messages) if self.protected else (),
            masked_response=self.masked_response,
            decision=summary.decision,
            prompt_entities=summary.prompt_entities,
            response_entities=summary.response_entities,
            toxicity=summary.toxicity,
            prompt_tokens=self.usage.prompt_tokens,
            completion_tokens=self.usage.completion_tokens,
            cost=cost,
            latency_ms=(time.monotonic() - self.started) * 1000,
            error=error,
            streamed=self.streamed,
            cache_hit=self.cache_hit,
            trace_id=self.trace_id,
        )


async def _replay(answer: CachedAnswer) -> AsyncIterator[StreamChunk]:
    """A cached answer as a backend stream of one chunk."""
    yield StreamChunk(answer.masked_text, answer.finish_reason, answer.usage)


class Pipeline:
    """One instance per gateway process; front doors call `generate` / `generate_stream`."""

    def __init__(
        self,
        config: ModelgwConfig,
        router: Router,
        trust: TrustClient,
        audit: AuditSink,
        cache: ResponseCache,
    ) -> None:
        self._config = config
        self._router = router
        self._trust = trust
        self._audit = audit
        self._cache = cache

    def list_models(self, principal: Principal) -> list[tuple[str, str]]:
        return [
            (name, model.description)
            for name, model in sorted(self._config.models.items())
            if principal.may_use(name)
        ]

    def _admit(self, principal: Principal, request: ChatRequest) -> None:
        span = trace.get_current_span()
        span.set_attribute("modelgw.tenant", principal.tenant)
        span.set_attribute("modelgw.model", request.model)
        span.set_attribute("modelgw.request_id", request.request_id)
        if not principal.has_role(KeyRole.USER):
            raise PermissionDenied("this API key lacks the `user` role needed to call models")
        check_chat(request.model, request.messages, request.params)
        self._router.choose(
            request.model
        )  # NOT_FOUND before PERMISSION_DENIED is fine: names are not secret
        if not principal.may_use(request.model):
            raise PermissionDenied(
                f"tenant {principal.tenant!r} may not use model {request.model!r}"
            )

    async def _prepare(self, trail: _Trail) -> tuple[RouteChoice, BackendRequest]:
        request = trail.request
        choice = self._router.choose(request.model)
        trail.route = RouteInfo.of(choice)
        with tracer().start_as_current_span("modelgw.trust.protect") as span:
            trail.protected = await self._trust.protect(
                trail.principal.tenant,
                request.request_id,
                request.caller.session_id,
                request.messages,
                external=choice.external,
            )
            summary = trail.protected.summary
            span.set_attribute("modelgw.trust.decision", summary.decision.value)
            for finding in summary.prompt_entities:  # counts only, never values
                span.set_attribute(f"modelgw.trust.entities.{finding.entity_type}", finding.count)
        if trail.protected.blocked:
            kinds = sorted(
                f.entity_type
                for f in trail.protected.summary.prompt_entities
                if f.action == "block"
            )
            raise BlockedByPolicy(
                f"blocked by the tenant's data policy: the prompt contains {', '.join(kinds)}"
            )
        backend_request = BackendRequest(
            model=choice.upstream_model,
            messages=trail.protected.messages,
            params=request.params,
            request_id=request.request_id,
            deadline=request.deadline,
        )
        return choice, backend_request

    def _cache_key(self, trail: _Trail, backend_request: BackendRequest) -> str | None:
        if not is_cacheable(backend_request.params) or trail.route is None:
            return None
        return cache_key(
            trail.principal.tenant,
            trail.request.model,
            trail.route.backend,
            backend_request.messages,
            backend_request.params,
        )

    async def _finish(self, trail: _Trail, status: str, error: str = "") -> None:
        cost = None
        if trail.cache_hit:
            cost = 0.0  # answered from the cache: no backend call was paid for
        elif trail.route is not None:
            provider = self._config.providers.get(trail.route.backend)
            cost = request_cost(provider, trail.route.upstream_model, trail.usage)
        with tracer().start_as_current_span("modelgw.audit.record"):
            await self._audit.record(trail.record(status, error, cost))

    async def generate(self, principal: Principal, request: ChatRequest) -> ChatResult:
        self._admit(principal, request)
        trail = _Trail(principal, request, streamed=False)
        try:
            choice, backend_request = await self._prepare(trail)
            key = self._cache_key(trail, backend_request)
            answer = await self._cache.get(key) if key else None
            trail.cache_hit = answer is not None
            if answer is None:
                with tracer().start_as_current_span(
                    "modelgw.backend.generate",
                    attributes={"modelgw.backend": choice.backend.name},
                ):
                    response = await choice.backend.generate(backend_request)
                answer = CachedAnswer(response.text, response.finish_reason, response.usage)
                if key:
                    await self._cache.put(key, answer)
        except ModelgwError as exc:
            await self._finish(trail, exc.code.name, exc.message)
            raise
        trail.masked_response = answer.masked_text
        trail.usage = answer.usage
        assert trail.protected is not None and trail.route is not None
        text = restore_text(answer.masked_text, trail.protected.vault)
        await self._finish(trail, "OK")
        return ChatResult(
            request.request_id,
            request.model,
            text,
            answer.finish_reason,
            answer.usage,
            trail.protected.summary,
            trail.route,
        )

    async def generate_stream(
        self, principal: Principal, request: ChatRequest
    ) -> AsyncIterator[StreamEvent]:
        """Validate and protect eagerly, then stream; errors before the first event raise."""
        self._admit(principal, request)
        trail = _Trail(principal, request, streamed=True)
        try:
            choice, backend_request = await self._prepare(trail)
        except ModelgwError as exc:
            await self._finish(trail, exc.code.name, exc.message)
            raise
        return self._stream(trail, choice, backend_request)

    async def _stream(
        self, trail: _Trail, choice: RouteChoice, backend_request: BackendRequest
    ) -> AsyncIterator[StreamEvent]:
        assert trail.protected is not None and trail.route is not None
        restorer = StreamRestorer(trail.protected.vault)
        masked: list[str] = []
        finish_reason = FinishReason.STOP
        status, error = "CANCELLED", "client went away before the answer finished"
        key = self._cache_key(trail, backend_request)
        try:
            yield StreamStart(trail.request.request_id, trail.route, trail.protected.summary)
            cached = await self._cache.get(key) if key else None
            trail.cache_hit = cached is not None
            chunks = _replay(cached) if cached else choice.backend.stream(backend_request)
            async for chunk in chunks:
                if chunk.delta:
                    masked.append(chunk.delta)
                    restored = restorer.feed(chunk.delta)
                    if restored:
                        yield StreamDelta(restored)
                if chunk.finish_reason is not None:
                    finish_reason = chunk.finish_reason
                if chunk.usage is not None:
                    trail.usage = chunk.usage
            tail = restorer.finish()
            if tail:
                yield StreamDelta(tail)
            yield StreamEnd(finish_reason, trail.usage, trail.protected.summary)
            status, error = "OK", ""
            if key and not cached:
                await self._cache.put(
                    key, CachedAnswer("".join(masked), finish_reason, trail.usage)
                )
        except ModelgwError as exc:
            status, error = exc.code.name, exc.message
            raise
        finally:
            trail.masked_response = "".join(masked)
            # Shielded: a client that cancels must not cancel its own audit record.
            await asyncio.shield(self._finish(trail, status, error))
