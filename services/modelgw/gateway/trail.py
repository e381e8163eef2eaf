"""The audit trail of one request: what its audit record will say, filled in as it proceeds."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from modelgw.audit.crypto import RawContent
from modelgw.audit.decisions import policy_decisions
from modelgw.audit.records import AuditRecord
from modelgw.common.errors import (
    ModelgwError,
    TrustLayerUnavailable,
)
from modelgw.common.messages import (
    TrustDecision,
    TrustSummary,
    Usage,
)
from modelgw.common.telemetry import current_trace_id
from modelgw.control.directory import Principal
from modelgw.gateway.chat import ChatRequest, RouteInfo
from modelgw.gateway.quotas import Reservation
from modelgw.trust.engine import ProtectResult


@dataclass(slots=True)
class AuditTrail:
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
    reservation: Reservation | None = None
    """Not part of the record: what this request holds in its tenant's quotas, settled
    once when the record is written."""

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
