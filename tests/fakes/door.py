"""A stand-in gateway behind the HTTP door: what its pipeline answers, or raises, is set per test.

For tests of the HTTP layer alone (no trust layer, no backend, no audit):
`FakeGateway` is both the pipeline and the authenticator `create_app` takes.
The key `Bearer good` authenticates; anything else is a 401. It records the
requests it got, and for streams whether the stream was closed (and how), so a
test can see that a client who left ended the work behind it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from typing import cast

from modelgw.common.config.providers import Locality
from modelgw.common.errors import Unauthenticated
from modelgw.common.messages import FinishReason, TrustDecision, TrustSummary, Usage
from modelgw.common.tenant import Caller
from modelgw.common.tools import ToolCall
from modelgw.gateway.chat import (
    ChatRequest,
    ChatResult,
    RouteInfo,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    StreamStart,
)
from modelgw.gateway.embeddings import EmbedRequest, EmbedResult

GOOD_KEY = "Bearer good"
CLEAN = TrustSummary(TrustDecision.CLEAN)
ROUTE = RouteInfo("fake", "fake", "fake-1", Locality.LOCAL, "only backend")


@dataclass
class FakeGateway:
    text: str = "Hello there."
    """The unary answer; streams send `deltas`."""
    deltas: Sequence[str] = ("Hello", " there", ".")
    tool_calls: tuple[ToolCall, ...] = ()
    raises: BaseException | None = None
    """Raised by `generate` / `generate_stream` before any answer."""
    raises_mid_stream: BaseException | None = None
    """Raised by the stream after its first delta."""
    stall: bool = False
    """Wait forever before answering (unary) or after the first delta (stream)."""
    requests: list[ChatRequest] = field(default_factory=list)
    authentications: int = 0
    stream_closed: asyncio.Event = field(default_factory=asyncio.Event)
    unary_cancelled: asyncio.Event = field(default_factory=asyncio.Event)
    stream_ended_by: str = ""
    """How the last stream ended: `finished`, `cancelled` or `closed` (GeneratorExit)."""

    async def authenticate(self, metadata: Sequence[tuple[str, str | bytes]]) -> Caller:
        self.authentications += 1
        if dict(metadata).get("authorization") != GOOD_KEY:
            raise Unauthenticated("missing or unknown API key")
        return cast(Caller, object())  # the fake pipeline never looks at the caller

    def list_models(self, caller: Caller) -> list[tuple[str, str]]:
        return [("fake", "a fake model")]

    async def generate(self, caller: Caller, request: ChatRequest) -> ChatResult:
        self.requests.append(request)
        if self.raises is not None:
            raise self.raises
        if self.stall:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.unary_cancelled.set()
                raise
        return ChatResult(
            request_id=request.request_id,
            client_request_id=request.client_request_id,
            model=request.model,
            text=self.text,
            finish_reason=FinishReason.TOOL_CALLS if self.tool_calls else FinishReason.STOP,
            usage=Usage(7, 3),
            trust=CLEAN,
            route=ROUTE,
            tool_calls=self.tool_calls,
        )

    async def generate_stream(
        self, caller: Caller, request: ChatRequest
    ) -> AsyncGenerator[StreamEvent, None]:
        self.requests.append(request)
        if self.raises is not None:
            raise self.raises
        return self._events(request)

    async def _events(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        self.stream_ended_by = ""
        try:
            yield StreamStart(request.request_id, request.client_request_id, ROUTE, CLEAN)
            for index, delta in enumerate(self.deltas):
                yield StreamDelta(delta)
                if index == 0 and self.raises_mid_stream is not None:
                    raise self.raises_mid_stream
                if index == 0 and self.stall:
                    await asyncio.Event().wait()
            yield StreamEnd(FinishReason.STOP, Usage(7, 3), CLEAN)
            self.stream_ended_by = "finished"
        except asyncio.CancelledError:
            self.stream_ended_by = "cancelled"
            raise
        except GeneratorExit:
            self.stream_ended_by = "closed"
            raise
        finally:
            self.stream_closed.set()

    async def embed(self, caller: Caller, request: EmbedRequest) -> EmbedResult:
        raise NotImplementedError("the fake gateway has no embeddings")
