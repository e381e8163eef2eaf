"""The audit trail of one request: what its audit record will say, filled in as it proceeds."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from opentelemetry import trace

from modelgw.audit.crypto import RawContent
from modelgw.audit.decisions import policy_decisions
from modelgw.audit.records import AuditRecord
from modelgw.common.config.providers import Locality
from modelgw.common.errors import ModelgwError, TrustLayerUnavailable
from modelgw.common.messages import (
    ChatMessage,
    GenerationParams,
    TrustDecision,
    TrustSummary,
    Usage,
)
from modelgw.common.telemetry import current_trace_id
from modelgw.common.tenant import Caller
from modelgw.common.tools import ToolCall
from modelgw.gateway.chat import ChatRequest, RouteInfo
from modelgw.gateway.protection import ProtectedRequest
from modelgw.gateway.quotas import Reservation


@dataclass(slots=True, eq=False)
class AuditTrail:
    """What the audit record of one request will say, filled in as the request proceeds.

    Each stage writes what it produced; `record` reads it once, at the end.
    """

    caller: Caller
    request: ChatRequest
    streamed: bool
    operation: str = "chat"
    """What the request asked for: `chat` or `embeddings` (`EmbedRequest.as_chat`)."""
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.monotonic)
    protected: ProtectedRequest | None = None
    locality: Locality | None = None
    """Whose masking the record shows: the answering backend's locality, or, before one
    answered, that of the first backend the data may go to."""
    route: RouteInfo | None = None
    masked_response: str = ""
    answer_summary: TrustSummary | None = None
    """The prompt's summary with what scanning the answer found; set once it is over."""
    usage: Usage = field(default_factory=Usage)
    cache_hit: bool = False
    trace_id: str = field(default_factory=current_trace_id)
    span: trace.Span = field(default_factory=trace.get_current_span)
    """Not part of the record: the request's span (the front door's), annotated at the end."""
    first_token: float | None = None
    """Not part of the record: when the caller got the first text (`time.monotonic()`)."""
    fail_closed: bool = False
    restored_response: str = ""
    """The answer as the client got it; reaches the audit log only sealed, for tenants that
    keep raw content."""
    masked_tool_calls: tuple[ToolCall, ...] = ()
    """The answer's tool calls as the model wrote them (placeholders)."""
    restored_tool_calls: tuple[ToolCall, ...] = ()
    """The answer's tool calls as the client got them; sealed like `restored_response`."""
    reservation: Reservation | None = None
    """Not part of the record: what this request holds in its tenant's quotas, settled
    once when the record is written."""
    finished: bool = False
    """The record has been handed to the audit sink (a request has exactly one)."""

    def raw(self) -> RawContent:
        return RawContent(
            tuple(self.request.messages), self.restored_response, self.restored_tool_calls
        )

    def failed(self, exc: ModelgwError) -> tuple[str, str]:
        """Status and message for the record of a request that ended in `exc`."""
        self.fail_closed = isinstance(exc, TrustLayerUnavailable)
        return exc.code.name, exc.message

    def sent(self) -> tuple[list[ChatMessage], tuple[str, ...], TrustSummary]:
        """The masked messages and stop strings (sent, or that would have been), and their
        trust summary; nothing when the trust layer never answered."""
        messages, params, summary = self.sent_params()
        return messages, params.stop, summary

    def sent_params(self) -> tuple[list[ChatMessage], GenerationParams, TrustSummary]:
        """Like `sent`, with every parameter as sent (tools and formats masked)."""
        if self.protected is None or self.locality is None:
            return [], GenerationParams(), TrustSummary(TrustDecision.CLEAN)
        masked = self.protected.masked(self.locality)
        messages, params = self.protected.sent_to(self.locality)
        return messages, params, self.answer_summary or masked.summary

    def summary(self) -> TrustSummary:
        """What the record's trust summary will say (as `sent`, without building messages)."""
        if self.protected is None or self.locality is None:
            return TrustSummary(TrustDecision.CLEAN)
        return self.answer_summary or self.protected.masked(self.locality).summary

    def record(self, status: str, error: str = "", cost: float | None = None) -> AuditRecord:
        messages, params, summary = self.sent_params()
        stop = params.stop
        route = self.route
        locality = route.locality.value if route else ""
        return AuditRecord(
            request_id=self.request.request_id,
            client_request_id=self.request.client_request_id,
            tenant=self.caller.tenant.name,
            tenant_version=self.caller.tenant.version,
            api_key_id=self.caller.key_id,
            end_user=self.request.caller.end_user,
            session_id=self.request.caller.session_id,
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            model=self.request.model,
            status=status,
            backend=route.backend if route else "",
            provider_type=route.provider_type if route else "",
            upstream_model=route.upstream_model if route else "",
            locality=locality,
            route_reason=route.reason if route else "",
            masked_prompt=tuple(
                dataclasses.replace(m, images=tuple(i.digest() for i in m.images))
                if m.images
                else m
                for m in messages
            ),
            masked_stop=stop,
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
            policy_decisions=policy_decisions(summary, locality, fail_closed=self.fail_closed),
            operation=self.operation,
            masked_tools=params.tools,
            tool_choice=params.tool_choice,
            parallel_tool_calls=params.parallel_tool_calls,
            response_format=params.response_format,
            masked_tool_calls=self.masked_tool_calls,
        )
