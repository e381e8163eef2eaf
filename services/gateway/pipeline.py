"""The request pipeline, shared by every front door (gRPC now, HTTP later).

authenticate (done by the front door) → check access → protect (trust layer)
→ route (sensitivity rules, then the routing engine: retries, fallback,
breakers, deadline) → backend → restore → audit. Every request that got past
authentication leaves exactly one audit record, whatever happened.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from modelgw.audit.crypto import RawContent
from modelgw.audit.decisions import policy_decisions
from modelgw.audit.records import AuditRecord
from modelgw.audit.sink import AuditSink
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role as KeyRole
from modelgw.common.errors import (
    ModelgwError,
    PermissionDenied,
    TrustLayerUnavailable,
)
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
from modelgw.gateway.protection import Protection
from modelgw.gateway.routing import Candidate, Outcome, RoutePlan, Router
from modelgw.gateway.validation import check_chat
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.providers.pricing import request_cost
from modelgw.trust.answer import AnswerFilter
from modelgw.trust.client import TrustClient
from modelgw.trust.engine import ProtectResult
from opentelemetry import trace

log = logging.getLogger(__name__)

Prepare = Callable[[Candidate], Awaitable[BackendRequest]]
_GONE = "client went away before the answer finished"


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
    def of(cls, candidate: Candidate, reason: str) -> RouteInfo:
        return cls(
            backend=candidate.backend.name,
            provider_type=candidate.backend.provider_type,
            upstream_model=candidate.upstream_model,
            locality=candidate.locality.value,
            reason=reason,
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
    fail_closed: bool = False
    restored_response: str = ""
    """The answer as the client got it; reaches the audit log only sealed, for tenants that
    keep raw content."""

    def raw(self) -> RawContent:
        return RawContent(tuple(self.request.messages), self.restored_response)

    def failed(self, exc: ModelgwError) -> tuple[str, str]:
        """Status and message for the record of a request that ended in `exc`."""
        self.fail_closed = isinstance(exc, TrustLayerUnavailable)
        return exc.code.name, exc.message

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
            latency_ms=(time.monotonic() - self.started) * 1000,
            error=error,
            streamed=self.streamed,
            cache_hit=self.cache_hit,
            trace_id=self.trace_id,
            cost_usd=cost,
            policy_decisions=policy_decisions(
                summary, route.locality if route else "", fail_closed=self.fail_closed
            ),
        )


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
        self._audit.admit(principal.tenant)
        check_chat(request.model, request.messages, request.params)
        # NOT_FOUND before PERMISSION_DENIED is fine: model names are not secret.
        self._router.plan(request.model)
        if not principal.may_use(request.model):
            raise PermissionDenied(
                f"tenant {principal.tenant!r} may not use model {request.model!r}"
            )

    async def _prepare(self, trail: _Trail) -> tuple[RoutePlan, Prepare]:
        """Detect once, narrow the route by the tenant's rules, then mask per chosen backend."""
        request = trail.request
        plan = self._router.plan(request.model)
        protection = Protection(
            self._trust,
            trail.principal.tenant,
            request.request_id,
            request.caller.session_id,
            request.messages,
        )
        with tracer().start_as_current_span("modelgw.trust.protect") as span:
            first = await protection.for_locality(plan.candidates[0].locality)
            span.set_attribute("modelgw.trust.decision", first.summary.decision.value)
            for finding in first.summary.prompt_entities:  # counts only, never values
                span.set_attribute(f"modelgw.trust.entities.{finding.entity_type}", finding.count)
        trail.protected = first
        trail.route = RouteInfo.of(plan.candidates[0], "first backend of the route")
        plan = self._router.restrict(plan, trail.principal.tenant, Protection.entity_types(first))

        async def prepare(candidate: Candidate) -> BackendRequest:
            protected = await protection.for_locality(candidate.locality)
            trail.protected = protected
            trail.route = RouteInfo.of(candidate, "; ".join(plan.reasons) or "route order")
            Protection.refuse_if_blocked(protected)
            return BackendRequest(
                model=candidate.upstream_model,
                messages=protected.messages,
                params=request.params,
                request_id=request.request_id,
                deadline=request.deadline,
            )

        return plan, prepare

    def _answered(self, trail: _Trail, outcome: Outcome) -> None:
        trail.route = RouteInfo.of(outcome.candidate, outcome.reason)

    def _cache_key(self, trail: _Trail, backend: str, sent: BackendRequest) -> str:
        """Keyed on what was (or would be) sent to one backend, so masking never differs."""
        return cache_key(
            trail.principal.tenant, trail.request.model, backend, sent.messages, sent.params
        )

    async def _cached(
        self, trail: _Trail, plan: RoutePlan, prepare: Prepare
    ) -> CachedAnswer | None:
        """Look up the answer the first backend of the plan gave to this masked prompt."""
        if not is_cacheable(trail.request.params):
            return None
        first = plan.candidates[0]
        answer = await self._cache.get(self._cache_key(trail, first.name, await prepare(first)))
        if answer is not None:
            trail.cache_hit = True
            trail.route = RouteInfo.of(first, "answered from the response cache")
        return answer

    async def _store(self, trail: _Trail, answer: CachedAnswer) -> None:
        if not is_cacheable(trail.request.params) or trail.route is None or trail.protected is None:
            return
        sent = BackendRequest(
            trail.route.upstream_model,
            trail.protected.messages,
            trail.request.params,
            trail.request.request_id,
        )
        await self._cache.put(self._cache_key(trail, trail.route.backend, sent), answer)

    async def _wrap_up(
        self, trail: _Trail, chunks: AsyncIterator[StreamChunk], status: str, error: str
    ) -> None:
        """Close the backend stream, then write the audit record, as one shielded unit.

        Closing now (not at garbage collection) is what aborts the engine request of
        a client that went away. One unit, because a cancelled caller (anyio cancels
        at every await) must not stop the audit record half way.
        """
        try:
            await _close(chunks)
        finally:
            await self._finish(trail, status, error)

    def _answer_filter(self, trail: _Trail) -> AnswerFilter:
        """Scan, then restore, the answer of the backend that `trail.route` names."""
        assert trail.protected is not None and trail.route is not None
        scanner = self._trust.response_scanner(
            trail.principal.tenant,
            trail.request.request_id,
            trail.protected,
            trail.request.messages,
            external=trail.route.locality == "external",
        )
        return AnswerFilter(scanner, trail.protected.vault)

    async def _finish(self, trail: _Trail, status: str, error: str = "") -> None:
        cost = None
        if trail.cache_hit:
            cost = 0.0  # answered from the cache: no backend call was paid for
        elif trail.route is not None:
            provider = self._config.providers.get(trail.route.backend)
            cost = request_cost(provider, trail.route.upstream_model, trail.usage)
        with tracer().start_as_current_span("modelgw.audit.record"):
            await self._audit.record(trail.record(status, error, cost), raw=trail.raw())

    async def generate(self, principal: Principal, request: ChatRequest) -> ChatResult:
        self._admit(principal, request)
        trail = _Trail(principal, request, streamed=False)
        try:
            plan, prepare = await self._prepare(trail)
            cached = await self._cached(trail, plan, prepare)
            if cached is None:
                with tracer().start_as_current_span("modelgw.backend.generate"):
                    outcome, response = await self._router.engine.generate(
                        plan, request.deadline, prepare
                    )
                self._answered(trail, outcome)
                backend_answer = CachedAnswer(response.text, response.finish_reason, response.usage)
            else:
                backend_answer = cached
            trail.usage = backend_answer.usage
            answer = self._answer_filter(trail)
            text = await answer.feed(backend_answer.masked_text) + await answer.finish()
        except ModelgwError as exc:
            await self._finish(trail, *trail.failed(exc))
            raise
        except asyncio.CancelledError:
            await asyncio.shield(self._finish(trail, "CANCELLED", _GONE))
            raise
        assert trail.protected is not None and trail.route is not None
        trail.masked_response = answer.masked_text
        trail.protected = dataclasses.replace(
            trail.protected, summary=answer.summary(trail.protected.summary)
        )
        finish_reason = FinishReason.CONTENT_FILTER if answer.cut else backend_answer.finish_reason
        if cached is None and not answer.cut:
            # The scanned masked answer: personal data the model made up is not cached.
            await self._store(trail, CachedAnswer(answer.masked_text, finish_reason, trail.usage))
        trail.restored_response = text
        await self._finish(trail, "OK")
        return ChatResult(
            request.request_id,
            request.model,
            text,
            finish_reason,
            trail.usage,
            trail.protected.summary,
            trail.route,
        )

    async def generate_stream(
        self, principal: Principal, request: ChatRequest
    ) -> AsyncIterator[StreamEvent]:
        """Validate, protect and route eagerly, up to the backend's first token.

        Errors before the first event raise (the route may fail over until then);
        afterwards they end the stream.
        """
        self._admit(principal, request)
        trail = _Trail(principal, request, streamed=True)
        try:
            plan, prepare = await self._prepare(trail)
            cached = await self._cached(trail, plan, prepare)
            if cached is not None:
                return self._stream(trail, _replay(cached), store=False)
            opened = await self._router.engine.open_stream(plan, request.deadline, prepare)
            self._answered(trail, opened.outcome)
        except ModelgwError as exc:
            await self._finish(trail, *trail.failed(exc))
            raise
        except asyncio.CancelledError:  # gone while the route was still looking for an answer
            await asyncio.shield(self._finish(trail, "CANCELLED", _GONE))
            raise
        return self._stream(trail, opened.chunks, store=True)

    async def _stream(
        self, trail: _Trail, chunks: AsyncIterator[StreamChunk], *, store: bool
    ) -> AsyncIterator[StreamEvent]:
        assert trail.protected is not None and trail.route is not None
        answer = self._answer_filter(trail)
        finish_reason = FinishReason.STOP
        status, error = "CANCELLED", _GONE
        try:
            yield StreamStart(trail.request.request_id, trail.route, trail.protected.summary)
            async for chunk in chunks:
                if chunk.delta:
                    restored = await answer.feed(chunk.delta)
                    if restored:
                        trail.restored_response += restored
                        yield StreamDelta(restored)
                    if answer.cut:
                        break
                if chunk.finish_reason is not None:
                    finish_reason = chunk.finish_reason
                if chunk.usage is not None:
                    trail.usage = chunk.usage
            tail = await answer.finish()
            if tail:
                trail.restored_response += tail
                yield StreamDelta(tail)
            if answer.cut:
                finish_reason = FinishReason.CONTENT_FILTER
            trail.protected = dataclasses.replace(
                trail.protected, summary=answer.summary(trail.protected.summary)
            )
            yield StreamEnd(finish_reason, trail.usage, trail.protected.summary)
            status, error = "OK", ""
            if store and not answer.cut:
                await self._store(
                    trail, CachedAnswer(answer.masked_text, finish_reason, trail.usage)
                )
        except ModelgwError as exc:
            status, error = trail.failed(exc)
            raise
        finally:
            trail.masked_response = answer.masked_text
            await asyncio.shield(self._wrap_up(trail, chunks, status, error))


async def _replay(answer: CachedAnswer) -> AsyncIterator[StreamChunk]:
    """A cached answer as a backend stream of one chunk."""
    yield StreamChunk(answer.masked_text, answer.finish_reason, answer.usage)


async def _close(chunks: AsyncIterator[StreamChunk]) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()
