"""What the audit log keeps about a request, and how compliance staff ask for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from modelgw.common.messages import ChatMessage, EntityFinding, TrustDecision


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One request. Every text field is masked: placeholders, never raw values."""

    request_id: str
    tenant: str
    api_key_id: str
    started_at: datetime
    finished_at: datetime
    model: str
    status: str
    """gRPC status code name; `OK` on success."""
    end_user: str = ""
    session_id: str = ""
    backend: str = ""
    provider_type: str = ""
    upstream_model: str = ""
    locality: str = ""
    route_reason: str = ""
    masked_prompt: tuple[ChatMessage, ...] = ()
    masked_response: str = ""
    decision: TrustDecision = TrustDecision.CLEAN
    prompt_entities: tuple[EntityFinding, ...] = ()
    response_entities: tuple[EntityFinding, ...] = ()
    toxicity: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None
    """From the backend's price table; None when it has no price for the model."""
    latency_ms: float = 0.0
    error: str = ""
    streamed: bool = False
    cache_hit: bool = False
    trace_id: str = ""


@dataclass(frozen=True, slots=True)
class AuditQuery:
    tenant: str
    since: datetime | None = None
    until: datetime | None = None
    end_user: str | None = None
    model: str | None = None
    page_size: int = 100
    after_id: int | None = None
    """Cursor: return records stored after this row id."""


@dataclass(frozen=True, slots=True)
class AuditPage:
    records: list[AuditRecord] = field(default_factory=list)
    next_cursor: int | None = None
