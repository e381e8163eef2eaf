"""Domain types shared by the pipeline, the trust layer, backends and the audit log.

Handlers translate protobuf to these at the edge (see `modelgw.common.convert`)
so the domain code never depends on generated classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class GenerationParams:
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None


@dataclass(frozen=True, slots=True)
class CallerMetadata:
    end_user: str = ""
    session_id: str = ""
    labels: dict[str, str] = field(default_factory=dict)


class FinishReason(StrEnum):
    STOP = "stop"
    LENGTH = "length"
    CONTENT_FILTER = "content_filter"


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


class TrustDecision(StrEnum):
    CLEAN = "clean"
    MASKED = "masked"
    ALLOWED = "allowed"
    BLOCKED = "blocked"
    FAIL_OPEN = "fail_open"


@dataclass(frozen=True, slots=True)
class EntityFinding:
    """How many values of one entity type were found and what was done with them."""

    entity_type: str
    count: int
    action: str  # an EntityAction value


@dataclass(frozen=True, slots=True)
class TrustSummary:
    decision: TrustDecision
    prompt_entities: tuple[EntityFinding, ...] = ()
    response_entities: tuple[EntityFinding, ...] = ()
    toxicity: float | None = None
