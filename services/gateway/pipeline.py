"""The request pipeline, shared by every front door (gRPC now, HTTP later).

authenticate (done by the front door) → check access → protect (trust layer)
→ route (sensitivity rules, then the routing engine: retries, fallback,
breakers, deadline) → backend → restore → audit. Every request that got past
authentication leaves exactly one audit record, whatever happened.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from modelgw.audit.records import AuditRecord
from modelgw.audit.sink import AuditSink
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role as KeyRole
from modelgw.common.errors import ModelgwError, PermissionDenied
from modelgw.common.messages import (
    CallerMetadata,
    ChatMessage,
    FinishReason,
    GenerationParams,
    TrustDecision,
    TrustSummary,
    Usage,
)
from modelgw.control.directory import Principal
from modelgw.gateway.protection import Protection
from modelgw.gateway.routing import Candidate, Outcome, RoutePlan, Router
from modelgw.gateway.validation import check_chat
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.trust.client import TrustClient
from modelgw.trust.engine import ProtectResult
from modelgw.trust.restore import StreamRestorer, restore_text

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

    def record(self, status: str, error: str = "") -> AuditRecord:
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
        )


class Pipeline:
    """One instance per gateway process; front doors call `generate` / `generate_stream`."""

    def __init__(
        self, config: ModelgwConfig, router: Router, trust: TrustClient, audit: AuditSink
    ) -> None:
        self._config = config
        self._router = router
        self._trust = trust
        self._audit = audit

    def list_models(self, principal: Principal) -> list[tuple[str, str]]:
        return [
            (name, model.description)
            for name, model in sorted(self._config.models.items())
            if principal.may_use(name)
        ]

    def _admit(self, principal: Principal, request: ChatRequest) -> None:
        if not principal.has_role(KeyRole.USER):
            raise PermissionDenied("this API key lacks the `user` role needed to call models")
        check_chat(request.model, request.messages, request.params)
        self._router.plan(
            request.model
        )  # NOT_FOUND before PERMISSION_DENIED is fine: names are not secret
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
        first = await protection.for_locality(plan.candidates[0].locality)
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

    async def _finish(self, trail: _Trail, status: str, error: str = "") -> None:
        await self._audit.record(trail.record(status, error))

    async def generate(self, principal: Principal, request: ChatRequest) -> ChatResult:
        self._admit(principal, request)
        trail = _Trail(principal, request, streamed=False)
        try:
            plan, prepare = await self._prepare(trail)
            outcome, response = await self._router.engine.generate(plan, request.deadline, prepare)
            self._answered(trail, outcome)
        except ModelgwError as exc:
            await self._finish(trail, exc.code.name, exc.message)
            raise
        except asyncio.CancelledError:
            await asyncio.shield(self._finish(trail, "CANCELLED", _GONE))
            raise
        trail.masked_response = response.text
        trail.usage = response.usage
        assert trail.protected is not None and trail.route is not None
        text = restore_text(response.text, trail.protected.vault)
        await self._finish(trail, "OK")
        return ChatResult(
            request.request_id,
            request.model,
            text,
            response.finish_reason,
            response.usage,
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
            opened = await self._router.engine.open_stream(plan, request.deadline, prepare)
            self._answered(trail, opened.outcome)
        except ModelgwError as exc:
            await self._finish(trail, exc.code.name, exc.message)
            raise
        except asyncio.CancelledError:  # gone while the route was still looking for an answer
            await asyncio.shield(self._finish(trail, "CANCELLED", _GONE))
            raise
        return self._stream(trail, opened.chunks)

    async def _stream(
        self, trail: _Trail, chunks: AsyncIterator[StreamChunk]
    ) -> AsyncIterator[StreamEvent]:
        assert trail.protected is not None and trail.route is not None
        restorer = StreamRestorer(trail.protected.vault)
        masked: list[str] = []
        finish_reason = FinishReason.STOP
        status, error = "CANCELLED", _GONE
        try:
            yield StreamStart(trail.request.request_id, trail.route, trail.protected.summary)
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
        except ModelgwError as exc:
            status, error = exc.code.name, exc.message
            raise
        finally:
            trail.masked_response = "".join(masked)
            # Closing the backend stream now (not at garbage collection) is what aborts
            # the engine request of a client that went away.
            await asyncio.shield(_close(chunks))
            # Shielded: a client that cancels must not cancel its own audit record.
            await asyncio.shield(self._finish(trail, status, error))


async def _close(chunks: AsyncIterator[StreamChunk]) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()
