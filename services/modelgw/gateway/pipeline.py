"""The request pipeline, shared by every front door (gRPC and HTTP) and by both call shapes.

authenticate (done by the front door, which resolves the tenant) → check
access → quota reservation → protect (trust layer, once for every locality of
the route) → route (sensitivity rules, then the routing engine: retries,
fallback, breakers, deadline) → cache or backend → scan and restore → audit
(and the quota reservation reconciled with the real usage).

The promise: every request that got past authentication and is well-formed
(its fields valid, its model known) leaves exactly one audit record and
settles its quota reservation, whatever ends it: a refusal, a backend
failure, the caller leaving, the deadline, the gateway shutting down, or a
bug (recorded as INTERNAL). A key without the `user` role, a malformed
request, an unknown model, or an audit log that cannot take more records is
refused with its status before that point and leaves no record.

Unary and streamed requests run the same stages (`_open`, `_relay`); a unary
request is a stream that the pipeline reads to its end itself. Stages with a
module of their own: the response cache (`response_cache_step.py`), the answer's
scan and restore (`answer_scan.py`), the quota settlement and audit record
(`record_step.py`), and how an exception reads in that record (`endings.py`).
Embeddings run the same protect and record stages from `embed_path.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import cast

from opentelemetry import trace

from modelgw.audit.sink import AuditSink
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role as KeyRole
from modelgw.common.errors import PermissionDenied
from modelgw.common.logs import bind_request
from modelgw.common.messages import FinishReason
from modelgw.common.telemetry import child_span
from modelgw.common.tenant import Caller
from modelgw.gateway.answer_scan import answer_filter
from modelgw.gateway.cache import CachedAnswer, ResponseCache, is_cacheable
from modelgw.gateway.chat import (
    ChatRequest,
    ChatResult,
    RouteInfo,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    StreamStart,
    StreamToolCall,
)
from modelgw.gateway.content_checks import check_content
from modelgw.gateway.embed_path import EmbeddingPath
from modelgw.gateway.embeddings import EmbedRequest, EmbedResult
from modelgw.gateway.endings import GONE, SHUTDOWN, ending
from modelgw.gateway.features import capable, check_images
from modelgw.gateway.in_flight import InFlight
from modelgw.gateway.outbound import outbound_texts
from modelgw.gateway.protection import ProtectedRequest
from modelgw.gateway.quotas import Quotas
from modelgw.gateway.record_step import RecordStep
from modelgw.gateway.response_cache_step import ResponseCacheStep, replay
from modelgw.gateway.routing import Candidate, Outcome, RoutePlan, Router
from modelgw.gateway.telemetry import GatewayTelemetry
from modelgw.gateway.tool_calls import ToolCallCollector, ToolCallRelay
from modelgw.gateway.trail import AuditTrail
from modelgw.gateway.validation import check_caller, check_chat
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.providers.pricing import highest_cost
from modelgw.trust.answer import AnswerFilter
from modelgw.trust.client import TrustClient
from modelgw.trust.vault import VaultOwner

log = logging.getLogger(__name__)


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
        telemetry: GatewayTelemetry | None = None,
    ) -> None:
        self._config = config
        self._router = router
        self._trust = trust
        self._audit = audit
        self._quotas = quotas
        self._telemetry = telemetry or GatewayTelemetry.off()
        self._in_flight = InFlight()
        self._responses = ResponseCacheStep(cache, self._telemetry)
        self._records = RecordStep(
            config.providers, quotas, audit, self._telemetry, self._in_flight
        )
        self._embeddings = EmbeddingPath(
            router, audit, quotas, self._in_flight, self._records, protect=self._protect
        )

    def list_models(self, caller: Caller) -> list[tuple[str, str]]:
        """The deployment's models and the tenant's own (which win on a shared name)."""
        models = {**self._config.models, **caller.tenant.config.models}
        return [
            (name, model.description)
            for name, model in sorted(models.items())
            if caller.may_use(name)
        ]

    # -- the two call shapes ------------------------------------------------------------
    async def generate(self, caller: Caller, request: ChatRequest) -> ChatResult:
        start: StreamStart | None = None
        end: StreamEnd | None = None
        text: list[str] = []
        tool_calls = ToolCallCollector()
        async with contextlib.aclosing(await self._run(caller, request, streamed=False)) as run:
            async for event in run:
                if isinstance(event, StreamStart):
                    start = event
                elif isinstance(event, StreamDelta):
                    text.append(event.text)
                elif isinstance(event, StreamToolCall):
                    tool_calls.add(event)
                else:
                    end = event
        assert start is not None and end is not None, "an answer that ended without its events"
        return ChatResult(
            request.request_id,
            request.client_request_id,
            request.model,
            "".join(text),
            end.finish_reason,
            end.usage,
            end.trust,
            start.route,
            tool_calls.calls(),
        )

    async def generate_stream(
        self, caller: Caller, request: ChatRequest
    ) -> AsyncGenerator[StreamEvent, None]:
        """Validate, protect and route eagerly, up to the backend's first token.

        Errors before the first event raise (the route may fail over until then);
        afterwards they end the stream. Close the stream (`aclose`) on every exit.
        """
        return await self._run(caller, request, streamed=True)

    async def embed(self, caller: Caller, request: EmbedRequest) -> EmbedResult:
        """Embeddings through the same stages as chat (`embed_path.py`)."""
        return await self._embeddings.embed(caller, request)

    @property
    def in_flight(self) -> InFlight:
        """This process's requests, as the shutdown sees them (`serve_until_signalled`)."""
        return self._in_flight

    async def close(self) -> None:
        """Record every request still in flight (the process is going away) as CANCELLED,
        and wait for every record being written: the audit sink closes after this."""
        await self._in_flight.close(
            functools.partial(self._records.write, status="CANCELLED", error=SHUTDOWN)
        )

    # -- the stages -----------------------------------------------------------------------
    async def _run(
        self, caller: Caller, request: ChatRequest, *, streamed: bool
    ) -> AsyncGenerator[StreamEvent, None]:
        plan = self._admit(caller, request)
        trail = AuditTrail(caller, request, streamed=streamed)
        self._in_flight.add(trail)
        try:
            chunks, store = await self._open(trail, plan, streamed=streamed)
            relay = self._relay(trail, chunks, store=store)
            # Run the relay up to its first yield, inside the `try` that records the
            # request: an async generator closed before it ever ran skips its `finally`,
            # so a stream the caller dropped unread would otherwise leave no record.
            await anext(relay)
        except BaseException as exc:
            await asyncio.shield(self._records.finish(trail, *self._ending(trail, exc)))
            raise
        return cast(AsyncGenerator[StreamEvent, None], relay)

    def _admit(self, caller: Caller, request: ChatRequest) -> RoutePlan:
        """Check the caller and the request; the model's route plan. Refusals here leave
        no record: the request is malformed, or not one this key may make at all."""
        bind_request(caller.tenant.name, request.request_id)
        self._telemetry.admitted(trace.get_current_span(), caller, request)
        if not caller.has_role(KeyRole.USER):
            raise PermissionDenied("this API key lacks the `user` role needed to call models")
        self._audit.admit(caller.tenant)
        check_chat(request.model, request.messages, request.params)
        check_content(request)
        check_caller(request.caller)
        check_images(caller.tenant, request)
        # NOT_FOUND before PERMISSION_DENIED is fine: model names are not secret.
        return capable(self._router.plan(request.model, caller.tenant), request)

    async def _open(
        self, trail: AuditTrail, plan: RoutePlan, *, streamed: bool
    ) -> tuple[AsyncIterator[StreamChunk], bool]:
        """Every stage up to the answer's first chunk; the chunks, and whether to cache them."""
        request = trail.request
        if not trail.caller.may_use(request.model):
            raise PermissionDenied(
                f"tenant {trail.caller.tenant.name!r} may not use model {request.model!r}"
            )
        targets = [(c.name, c.upstream_model) for c in plan.candidates]

        def price(prompt_tokens: int, completion_tokens: int) -> float | None:
            providers = self._config.providers
            return highest_cost(providers, targets, prompt_tokens, completion_tokens)

        with child_span("modelgw.quota.reserve"):
            trail.reservation = await self._quotas.reserve(
                trail.caller.tenant,
                request.messages,
                request.params,
                key_id=trail.caller.key_id,
                end_user=request.caller.end_user,
                price=price,
            )
        plan = await self._protect(trail, plan)
        cached = await self._responses.lookup(trail, plan)
        if cached is not None:
            return replay(cached), False

        async def prepare(candidate: Candidate) -> BackendRequest:
            assert trail.protected is not None
            sent = trail.protected.backend_request(candidate)
            trail.locality = candidate.locality
            trail.route = RouteInfo.of(candidate, "; ".join(plan.reasons) or "route order")
            return sent

        engine = self._router.engine
        store = is_cacheable(request.params)  # a sampled answer would never be read back
        if streamed:
            opened = await engine.open_stream(plan, request.deadline, prepare)
            self._answered(trail, opened.outcome)
            return opened.chunks, store
        with child_span("modelgw.backend.generate"):
            outcome, response = await engine.generate(plan, request.deadline, prepare)
        self._answered(trail, outcome)
        answer = CachedAnswer(
            response.text, response.finish_reason, response.usage, response.tool_calls
        )
        return replay(answer), store

    async def _protect(self, trail: AuditTrail, plan: RoutePlan) -> RoutePlan:
        """Detect once for every locality of the route; narrow the route by the tenant's rules."""
        request, tenant = trail.request, trail.caller.tenant
        owner = VaultOwner(
            tenant.name, trail.caller.key_id, request.caller.end_user, request.caller.session_id
        )
        localities = frozenset(c.locality for c in plan.candidates)
        with child_span("modelgw.trust.protect") as span:
            texts = outbound_texts(request)
            result = await self._trust.protect(
                tenant, owner, texts, localities, deadline=request.deadline
            )
            protected = ProtectedRequest(request, result, texts)
            trail.protected = protected
            first = next((c for c in plan.candidates if protected.may_send(c)), plan.candidates[0])
            if first.locality in result.by_locality:
                trail.locality = first.locality
                summary = protected.masked(first.locality).summary
                span.set_attribute("modelgw.trust.decision", summary.decision.value)
                for finding in summary.prompt_entities:  # counts only, never values
                    span.set_attribute(
                        f"modelgw.trust.entities.{finding.entity_type}", finding.count
                    )
        trail.route = RouteInfo.of(first, "first backend of the route")
        return self._router.restrict(plan, tenant, protected.entity_types)

    def _answered(self, trail: AuditTrail, outcome: Outcome) -> None:
        trail.route = RouteInfo.of(outcome.candidate, outcome.reason)

    async def _relay(
        self, trail: AuditTrail, chunks: AsyncIterator[StreamChunk], *, store: bool
    ) -> AsyncGenerator[StreamEvent | None, None]:
        """Scan and restore the answer chunk by chunk; the record is written however it ends.

        Its first yield (`None`) only tells `_run` that the relay is running."""
        assert trail.protected is not None and trail.route is not None
        answer = answer_filter(self._trust, trail)
        tools = ToolCallRelay(trail.protected.vault)
        prompt_summary = trail.protected.masked(trail.route.locality).summary
        finish_reason = FinishReason.STOP
        status, error = "CANCELLED", GONE
        try:
            yield None
            yield StreamStart(
                trail.request.request_id,
                trail.request.client_request_id,
                trail.route,
                prompt_summary,
            )
            async for chunk in chunks:
                if chunk.delta:
                    for restored in await answer.feed(chunk.delta):
                        if trail.first_token is None:
                            trail.first_token = time.monotonic()
                        trail.restored_response += restored
                        yield StreamDelta(restored)
                    if answer.cut:
                        break
                for event in tools.feed(chunk.tool_calls):
                    yield event
                if chunk.finish_reason is not None:
                    finish_reason = chunk.finish_reason
                if chunk.usage is not None:
                    trail.usage = chunk.usage
            for tail in await answer.finish():
                if trail.first_token is None:
                    trail.first_token = time.monotonic()
                trail.restored_response += tail
                yield StreamDelta(tail)
            for event in tools.finish():
                yield event
            if answer.cut:
                finish_reason = FinishReason.CONTENT_FILTER
            trail.answer_summary = answer.summary(prompt_summary)
            trail.masked_response = answer.masked_text
            yield StreamEnd(finish_reason, trail.usage, trail.answer_summary)
            status, error = "OK", ""
            if store and not answer.cut and self._responses.applies(trail):
                # The scanned masked answer: personal data the model made up is not cached.
                await self._responses.store(
                    trail,
                    CachedAnswer(answer.masked_text, finish_reason, trail.usage, tools.masked()),
                )
        except BaseException as exc:
            status, error = self._ending(trail, exc)
            raise
        finally:
            trail.masked_response = answer.masked_text
            trail.masked_tool_calls = tools.masked()
            trail.restored_tool_calls = tools.restored()
            await asyncio.shield(self._wrap_up(trail, chunks, answer, status, error))

    def _ending(self, trail: AuditTrail, exc: BaseException) -> tuple[str, str]:
        """The status and message an exception gives the request's record."""
        return ending(trail, exc, cut_off=self._in_flight.cut_off)

    async def _wrap_up(
        self,
        trail: AuditTrail,
        chunks: AsyncIterator[StreamChunk],
        answer: AnswerFilter,
        status: str,
        error: str,
    ) -> None:
        """Close the backend stream and the scanner, then write the audit record, as one
        shielded unit.

        Closing now (not at garbage collection) is what aborts the engine request of
        a client that went away. One unit, because a cancelled caller (anyio cancels
        at every await) must not stop the audit record half way.
        """
        try:
            await _close(chunks)
            await answer.close()
        except Exception:
            log.exception("closing the answer of request %s failed", trail.request.request_id)
        finally:
            await self._records.finish(trail, status, error)


async def _close(chunks: AsyncIterator[StreamChunk]) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()
