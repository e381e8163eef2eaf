"""The request pipeline, shared by every front door (gRPC and HTTP).

authenticate (done by the front door) → check access → quota reservation →
protect (trust layer) → route (sensitivity rules, then the routing engine:
retries, fallback, breakers, deadline) → backend → restore → audit (and the
quota reservation reconciled with the real usage). Every request that got past
authentication and is well-formed (its fields valid, its model known) leaves
exactly one audit record, whatever happened, a model the tenant may not use
included. A key without the `user` role, a malformed request, an unknown model,
or an audit log that cannot take more records is refused with its status and
leaves no record.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable

from opentelemetry import trace

from modelgw.audit.sink import AuditSink
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role as KeyRole
from modelgw.common.errors import (
    ModelgwError,
    PermissionDenied,
)
from modelgw.common.messages import ChatMessage, FinishReason
from modelgw.common.telemetry import tracer
from modelgw.control.directory import Principal
from modelgw.gateway.cache import CachedAnswer, ResponseCache, cache_key, is_cacheable
from modelgw.gateway.chat import (
    ChatRequest,
    ChatResult,
    RouteInfo,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    StreamStart,
)
from modelgw.gateway.protection import Protection
from modelgw.gateway.quotas import Quotas
from modelgw.gateway.quotas.limits import text_tokens
from modelgw.gateway.routing import Candidate, Outcome, RoutePlan, Router
from modelgw.gateway.trail import AuditTrail
from modelgw.gateway.validation import check_caller, check_chat
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.providers.pricing import request_cost
from modelgw.trust.answer import AnswerFilter
from modelgw.trust.client import TrustClient

log = logging.getLogger(__name__)

Prepare = Callable[[Candidate], Awaitable[BackendRequest]]
_GONE = "client went away before the answer finished"


class Pipeline:
    """One instance per gateway process; front doors call `generate` / `generate_stream`."""

    def __init__(
        self,
        config: ModelgwConfig,
        router: Router,
        trust: TrustClient,
        audit: AuditSink,
        cache: ResponseCache,
        quotas: Quotas,
    ) -> None:
        self._config = config
        self._router = router
        self._trust = trust
        self._audit = audit
        self._cache = cache
        self._quotas = quotas

    def list_models(self, principal: Principal) -> list[tuple[str, str]]:
        return [
            (name, model.description)
            for name, model in sorted(self._config.models.items())
            if principal.may_use(name)
        ]

    def _admit(self, principal: Principal, request: ChatRequest) -> RoutePlan:
        """Check the caller and the request; the model's route plan, for `_prepare`."""
        span = trace.get_current_span()
        span.set_attribute("modelgw.tenant", principal.tenant)
        span.set_attribute("modelgw.model", request.model)
        span.set_attribute("modelgw.request_id", request.request_id)
        if not principal.has_role(KeyRole.USER):
            raise PermissionDenied("this API key lacks the `user` role needed to call models")
        self._audit.admit(principal.tenant)
        check_chat(request.model, request.messages, request.params)
        check_caller(request.caller)
        # NOT_FOUND before PERMISSION_DENIED is fine: model names are not secret.
        return self._router.plan(request.model)

    @staticmethod
    def _authorize(trail: AuditTrail) -> None:
        """Refuse a model the tenant may not use; inside the audited part of the request,
        so compliance staff see the attempt (the request itself is well-formed)."""
        principal, model = trail.principal, trail.request.model
        if not principal.may_use(model):
            raise PermissionDenied(f"tenant {principal.tenant!r} may not use model {model!r}")

    async def _reserve(self, trail: AuditTrail) -> None:
        """Hold the request's share of its tenant's quotas before anything is sent.

        Inside the audited part of the request: a refusal leaves an audit record.
        """
        request = trail.request
        with tracer().start_as_current_span("modelgw.quota.reserve"):
            trail.reservation = await self._quotas.reserve(
                trail.principal.tenant, request.messages, request.params
            )

    async def _prepare(self, trail: AuditTrail, plan: RoutePlan) -> tuple[RoutePlan, Prepare]:
        """Detect once, narrow the route by the tenant's rules, then mask per chosen backend."""
        request = trail.request
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

    def _answered(self, trail: AuditTrail, outcome: Outcome) -> None:
        trail.route = RouteInfo.of(outcome.candidate, outcome.reason)

    def _cache_key(self, trail: AuditTrail, backend: str, sent: list[ChatMessage]) -> str:
        """Keyed on what was (or would be) sent to one backend, so masking never differs."""
        return cache_key(
            trail.principal.tenant, trail.request.model, backend, sent, trail.request.params
        )

    async def _cached(
        self, trail: AuditTrail, plan: RoutePlan, prepare: Prepare
    ) -> CachedAnswer | None:
        """Look up the answer the first backend of the plan gave to this masked prompt."""
        if not is_cacheable(trail.request.params):
            return None
        first = plan.candidates[0]
        sent = (await prepare(first)).messages
        answer = await self._cache.get(self._cache_key(trail, first.name, sent))
        if answer is not None:
            trail.cache_hit = True
            trail.route = RouteInfo.of(first, "answered from the response cache")
        return answer

    async def _store(self, trail: AuditTrail, answer: CachedAnswer) -> None:
        if not is_cacheable(trail.request.params) or trail.route is None or trail.protected is None:
            return
        key = self._cache_key(trail, trail.route.backend, trail.protected.messages)
        await self._cache.put(key, answer)

    async def _wrap_up(
        self, trail: AuditTrail, chunks: AsyncIterator[StreamChunk], status: str, error: str
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

    def _answer_filter(self, trail: AuditTrail) -> AnswerFilter:
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

    async def _finish(self, trail: AuditTrail, status: str, error: str = "") -> None:
        if trail.reservation is not None:
            await self._quotas.settle(trail.reservation, _used_tokens(trail, status))
        cost = None
        if trail.cache_hit:
            cost = 0.0  # answered from the cache: no backend call was paid for
        elif trail.route is not None:
            provider = self._config.providers.get(trail.route.backend)
            cost = request_cost(provider, trail.route.upstream_model, trail.usage)
        with tracer().start_as_current_span("modelgw.audit.record"):
            await self._audit.record(trail.record(status, error, cost), raw=trail.raw())

    async def generate(self, principal: Principal, request: ChatRequest) -> ChatResult:
        plan = self._admit(principal, request)
        trail = AuditTrail(principal, request, streamed=False)
        try:
            self._authorize(trail)
            await self._reserve(trail)
            plan, prepare = await self._prepare(trail, plan)
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
    ) -> AsyncGenerator[StreamEvent, None]:
        """Validate, protect and route eagerly, up to the backend's first token.

        Errors before the first event raise (the route may fail over until then);
        afterwards they end the stream.
        """
        plan = self._admit(principal, request)
        trail = AuditTrail(principal, request, streamed=True)
        try:
            self._authorize(trail)
            await self._reserve(trail)
            plan, prepare = await self._prepare(trail, plan)
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
        self, trail: AuditTrail, chunks: AsyncIterator[StreamChunk], *, store: bool
    ) -> AsyncGenerator[StreamEvent, None]:
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


def _used_tokens(trail: AuditTrail, status: str) -> int | None:
    """Tokens to charge the request's quotas; `None` when no backend answered at all.

    A failed request whose backend did answer (usage reported, or part of a stream
    sent) is charged what it used. A cache hit used no backend tokens. A backend
    that reported no usage (some do not on streams) is charged the chars/4 estimate
    of what was sent and answered.
    """
    used = trail.usage.prompt_tokens + trail.usage.completion_tokens
    if status != "OK" and not used and not trail.masked_response:
        return None
    if trail.cache_hit:
        return 0
    if used:
        return used
    sent = trail.protected.messages if trail.protected else trail.request.messages
    return text_tokens([m.content for m in sent] + [trail.masked_response])


async def _replay(answer: CachedAnswer) -> AsyncIterator[StreamChunk]:
    """A cached answer as a backend stream of one chunk."""
    yield StreamChunk(answer.masked_text, answer.finish_reason, answer.usage)


async def _close(chunks: AsyncIterator[StreamChunk]) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()
