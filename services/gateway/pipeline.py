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

from modelgw.audit.crypto import RawContent
from modelgw.audit.decisions import policy_decisions
from modelgw.audit.records import AuditRecord
from modelgw.audit.sink import AuditSink
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role as KeyRole
from modelgw.common.errors import (
    BlockedByPolicy,
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
from modelgw.control.directory import Principal
from modelgw.gateway.routing import RouteChoice, Router
from modelgw.gateway.validation import check_chat
from modelgw.providers.base import BackendRequest
from modelgw.trust.client import TrustClient
from modelgw.trust.engine import ProtectResult
from modelgw.trust.restore import StreamRestorer, restore_text

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
            policy_decisions=policy_decisions(
                summary, route.locality if route else "", fail_closed=self.fail_closed
            ),
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
        self._audit.admit(principal.tenant)
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
        trail.protected = await self._trust.protect(
            trail.principal.tenant,
            request.request_id,
            request.caller.session_id,
            request.messages,
            external=choice.external,
        )
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

    async def _finish(self, trail: _Trail, status: str, error: str = "") -> None:
        await self._audit.record(trail.record(status, error), raw=trail.raw())

    async def generate(self, principal: Principal, request: ChatRequest) -> ChatResult:
        self._admit(principal, request)
        trail = _Trail(principal, request, streamed=False)
        try:
            choice, backend_request = await self._prepare(trail)
            response = await choice.backend.generate(backend_request)
        except ModelgwError as exc:
            await self._finish(trail, *trail.failed(exc))
            raise
        trail.masked_response = response.text
        trail.usage = response.usage
        assert trail.protected is not None and trail.route is not None
        text = restore_text(response.text, trail.protected.vault)
        trail.restored_response = text
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
        """Validate and protect eagerly, then stream; errors before the first event raise."""
        self._admit(principal, request)
        trail = _Trail(principal, request, streamed=True)
        try:
            choice, backend_request = await self._prepare(trail)
        except ModelgwError as exc:
            await self._finish(trail, *trail.failed(exc))
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
        try:
            yield StreamStart(trail.request.request_id, trail.route, trail.protected.summary)
            async for chunk in choice.backend.stream(backend_request):
                if chunk.delta:
                    masked.append(chunk.delta)
                    restored = restorer.feed(chunk.delta)
                    if restored:
                        trail.restored_response += restored
                        yield StreamDelta(restored)
                if chunk.finish_reason is not None:
                    finish_reason = chunk.finish_reason
                if chunk.usage is not None:
                    trail.usage = chunk.usage
            tail = restorer.finish()
            if tail:
                trail.restored_response += tail
                yield StreamDelta(tail)
            yield StreamEnd(finish_reason, trail.usage, trail.protected.summary)
            status, error = "OK", ""
        except ModelgwError as exc:
            status, error = trail.failed(exc)
            raise
        finally:
            trail.masked_response = "".join(masked)
            # Shielded: a client that cancels must not cancel its own audit record.
            await asyncio.shield(self._finish(trail, status, error))
