"""The contract between the gateway pipeline and every backend.

Backends only ever see masked messages. They raise `BackendError` with a
status and whether a retry elsewhere may help; the routing engine decides.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from modelgw.common.config.providers import Locality
from modelgw.common.messages import ChatMessage, FinishReason, GenerationParams, Usage
from modelgw.common.tools import ToolCall, ToolCallDelta


@dataclass(frozen=True, slots=True)
class BackendRequest:
    model: str
    """The backend's own model name."""
    messages: list[ChatMessage]
    params: GenerationParams
    request_id: str
    deadline: float | None = None
    """`time.monotonic()` value after which the caller has given up; None means no deadline."""

    def remaining(self, cap: float) -> float:
        """Seconds left for a call: the caller's remaining time, at most `cap`."""
        if self.deadline is None:
            return cap
        return max(0.0, min(cap, self.deadline - time.monotonic()))


@dataclass(frozen=True, slots=True)
class BackendResponse:
    text: str
    finish_reason: FinishReason
    usage: Usage
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True, slots=True)
class StreamChunk:
    """A piece of a streamed answer; the last one carries finish_reason and usage."""

    delta: str = ""
    finish_reason: FinishReason | None = None
    usage: Usage | None = None
    tool_calls: tuple[ToolCallDelta, ...] = ()
    """Pieces of the answer's tool calls (masked arguments, as the model wrote them)."""


class Backend(Protocol):
    """A model behind the gateway.

    A backend owns the time of its calls: `generate`, and every wait of `stream`, end
    with a `BackendError` (DEADLINE_EXCEEDED) once its configured `timeout_s` or the
    request's `deadline` has passed, whichever comes first (retryable only while the
    caller still has time). The routing engine sets no timer of its own on top.
    """

    # Read-only to the gateway: a backend may set them per instance or per class.
    @property
    def name(self) -> str:
        """The provider name from config."""
        ...

    @property
    def provider_type(self) -> str: ...

    @property
    def locality(self) -> Locality: ...

    async def generate(self, request: BackendRequest) -> BackendResponse: ...

    def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class EmbeddingRequest:
    model: str
    """The backend's own model name."""
    inputs: list[str]
    """Masked (or, for a tenant's local-only embeddings, unmasked to a local backend)."""
    request_id: str
    deadline: float | None = None
    dimensions: int | None = None
    """Shorten the vectors to this many dimensions, on models that can."""

    def remaining(self, cap: float) -> float:
        if self.deadline is None:
            return cap
        return max(0.0, min(cap, self.deadline - time.monotonic()))


@dataclass(frozen=True, slots=True)
class EmbeddingResponse:
    vectors: list[list[float]]
    """One per input, in order."""
    usage: Usage
    """prompt_tokens only."""


@runtime_checkable
class EmbeddingBackend(Protocol):
    """A backend that also turns texts into vectors (declares `Feature.EMBEDDINGS`)."""

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse: ...
