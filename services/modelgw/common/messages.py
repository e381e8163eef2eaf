"""Domain types shared by the pipeline, the trust layer, backends and the audit log.

Handlers translate protobuf to these at the edge (see `modelgw.common.convert`)
so the domain code never depends on generated classes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from modelgw.common.tools import ResponseFormat, ToolCall, ToolChoice, ToolDefinition


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"
    """The result of a tool call, named by `ChatMessage.tool_call_id`."""


class ImageDetail(StrEnum):
    AUTO = "auto"
    LOW = "low"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image in a message: a `data:` URL (the image itself) or an address a backend
    fetches, only for tenants that allow addresses. modelgw never fetches it, and never
    reads text inside an image: pixels are not scanned for personal data."""

    url: str
    detail: ImageDetail = ImageDetail.AUTO

    @property
    def is_data(self) -> bool:
        return self.url.startswith("data:")

    def digest(self) -> ImagePart:
        """What the audit record keeps of the image: a SHA-256 of its URL, never the image."""
        return ImagePart(f"sha256:{hashlib.sha256(self.url.encode()).hexdigest()}", self.detail)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str
    """The message's text (several text parts are joined with a line break)."""
    tool_calls: tuple[ToolCall, ...] = ()
    """An assistant message's calls, as the model made them in an earlier turn."""
    tool_call_id: str = ""
    """A `tool` message: the id of the call whose result `content` is."""
    images: tuple[ImagePart, ...] = ()
    """Images, sent after the text (a user message's)."""


@dataclass(frozen=True, slots=True)
class GenerationParams:
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    tools: tuple[ToolDefinition, ...] = ()
    tool_choice: ToolChoice | None = None
    """None: the backend's default (`auto` when tools are offered)."""
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None


@dataclass(frozen=True, slots=True)
class CallerMetadata:
    end_user: str = ""
    session_id: str = ""
    labels: dict[str, str] = field(default_factory=dict)


class FinishReason(StrEnum):
    STOP = "stop"
    LENGTH = "length"
    CONTENT_FILTER = "content_filter"
    TOOL_CALLS = "tool_calls"


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
