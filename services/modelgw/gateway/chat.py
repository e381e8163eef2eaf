"""What goes in and out of the pipeline, for every front door (gRPC, HTTP).

The front doors translate their wire formats to and from these types; the
pipeline never sees protobuf or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modelgw.common.messages import (
    CallerMetadata,
    ChatMessage,
    FinishReason,
    GenerationParams,
    TrustSummary,
    Usage,
)
from modelgw.gateway.routing import Candidate


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
