"""What the HTTP front door needs of the gateway: the pipeline and the caller authenticator.

Both ways into the chat route (the lean path and the FastAPI app) take these,
and the OpenAPI-only app stands in for them without a gateway behind it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Protocol

from modelgw.common.tenant import Caller
from modelgw.gateway.chat import ChatRequest, ChatResult, StreamEvent
from modelgw.gateway.embeddings import EmbedRequest, EmbedResult


class ChatPipeline(Protocol):
    """What the front door needs of `modelgw.gateway.pipeline.Pipeline`."""

    def list_models(self, caller: Caller) -> list[tuple[str, str]]: ...

    async def generate(self, caller: Caller, request: ChatRequest) -> ChatResult: ...

    async def generate_stream(
        self, caller: Caller, request: ChatRequest
    ) -> AsyncGenerator[StreamEvent, None]: ...

    async def embed(self, caller: Caller, request: EmbedRequest) -> EmbedResult: ...


class CallerAuthenticator(Protocol):
    """What the front door needs of `modelgw.control.auth.CallerAuthenticator`."""

    async def authenticate(self, metadata: Sequence[tuple[str, str | bytes]]) -> Caller: ...
