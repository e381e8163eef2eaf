"""What the audit log keeps about a request, and how compliance staff ask for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from modelgw.common.messages import ChatMessage, EntityFinding, TrustDecision
from modelgw.common.tools import ResponseFormat, ToolCall, ToolChoice, ToolDefinition


class PolicyDecision(StrEnum):
    """What policy did to a request; a record can carry several."""

    MASKED = "masked"
    REDACTED = "redacted"
    BLOCKED = "blocked"
    ROUTED_LOCAL = "routed_local"
    FAIL_CLOSED = "fail_closed"


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
    client_request_id: str = ""
    """The caller's own id for the request; `request_id` is the gateway's (the key)."""
    tenant_version: int = 1
    """The version of the tenant's configuration the request was served under."""
    end_user: str = ""
    session_id: str = ""
    backend: str = ""
    provider_type: str = ""
    upstream_model: str = ""
    locality: str = ""
    route_reason: str = ""
    masked_prompt: tuple[ChatMessage, ...] = ()
    masked_stop: tuple[str, ...] = ()
    """The stop strings as the backend received them (masked like the prompt)."""
    masked_response: str = ""
    decision: TrustDecision = TrustDecision.CLEAN
    prompt_entities: tuple[EntityFinding, ...] = ()
    response_entities: tuple[EntityFinding, ...] = ()
    toxicity: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    error: str = ""
    streamed: bool = False
    trace_id: str = ""
    cost_usd: float | None = None
    """From the backend's price table; None when it has no price for the model."""
    cache_hit: bool = False
    policy_decisions: tuple[str, ...] = ()
    """`PolicyDecision` values, sorted."""
    sealed_raw: bytes = b""
    """Original prompt and answer sealed with the tenant's key (never clear text); empty unless
    the tenant keeps raw content. The store re-encrypts it under the subject's key."""
    operation: str = "chat"
    """`chat` or `embeddings` (whose inputs are `masked_prompt`'s user messages)."""
    masked_tools: tuple[ToolDefinition, ...] = ()
    """The tool definitions as the backend received them (descriptions and schemas masked)."""
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    """As sent (its schema masked)."""
    masked_tool_calls: tuple[ToolCall, ...] = ()
    """The tool calls the model answered with, as it wrote them (placeholders, not the
    values the caller's function received)."""
    seq: int = 0
    """Position in the tenant's hash chain; set by the store (0 before it is stored)."""
    prev_hash: str = ""
    record_hash: str = ""

    @property
    def entity_types(self) -> tuple[str, ...]:
        """Every entity type found in the prompt or the answer, sorted."""
        found = {f.entity_type for f in (*self.prompt_entities, *self.response_entities)}
        return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A compliance filter. Empty fields do not filter."""

    tenant: str
    since: datetime | None = None
    until: datetime | None = None
    end_users: tuple[str, ...] = ()
    """The stored forms of one end user (`Pseudonyms.end_user_forms`): its pseudonym, and
    its clear value as records from before pseudonymisation hold it. Empty: everyone."""
    model: str | None = None
    provider: str | None = None
    """Backend name or provider type."""
    entity_type: str | None = None
    decision: str | None = None
    """A `PolicyDecision` or a trust decision (`clean`, `masked`, `allowed`, ...)."""
    status: str | None = None
    client_request_id: str | None = None
    """The caller's own id for a request; several records may carry the same one."""
    page_size: int = 100


@dataclass(frozen=True, slots=True)
class AuditPage:
    records: list[AuditRecord] = field(default_factory=list)
    next_cursor: tuple[datetime, int] | None = None
    """(started_at, row id) of the last record: the next page starts after it."""
