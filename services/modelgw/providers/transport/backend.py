"""The skeleton every HTTP adapter fills in: build the call, parse the answer.

An adapter only says how our request looks on its provider's wire
(`prepare`), how the answer reads (`parse_response`, `stream_decoder`) and
what its error bodies say (`describe_error`). Deadlines, status mapping,
transport failures and cancellation are handled here once: when the caller
goes away the task is cancelled inside an HTTP client await, and closing the
response drops the upstream connection so the provider stops generating.
"""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from modelgw.common.config.provider_fields import HttpProviderMixin
from modelgw.common.config.providers import ProviderBase
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from modelgw.providers.transport.client import TransportFailure, UpstreamResponse, new_client
from modelgw.providers.transport.deadline import Deadlined, cutoff, timed_out
from modelgw.providers.transport.errors import (
    ErrorDetail,
    ProviderError,
    http_error,
    protocol_error,
    transport_error,
)

_MAX_ERROR_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    """One HTTP request to the provider, built from config and the masked request only."""

    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class StreamDecoder(Protocol):
    """Turns the raw bytes of a streamed answer into chunks, whatever the framing."""

    def feed(self, data: bytes) -> list[StreamChunk]: ...

    def finish(self) -> list[StreamChunk]:
        """End of body: return the last chunks, or raise if the provider never said it was done."""
        ...


class HttpBackend(ABC):
    provider_type: ClassVar[str]
    provider_label: ClassVar[str]
    """The provider's name as shown in error messages."""

    def __init__(self, name: str, config: Any) -> None:
        assert isinstance(config, ProviderBase) and isinstance(config, HttpProviderMixin)
        self.name = name
        self.locality = config.locality
        self._timeout_s = config.timeout_s
        self._client = new_client(config, config.timeout_s)

    # -- what an adapter declares -------------------------------------------------------
    @abstractmethod
    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall: ...

    @abstractmethod
    def parse_response(self, data: Any) -> BackendResponse:
        """Read a unary answer (its JSON already decoded)."""

    @abstractmethod
    def stream_decoder(self) -> StreamDecoder: ...

    def stream_decoder_for(self, request: BackendRequest) -> StreamDecoder:
        """The decoder for one request's stream; adapters whose decoding depends on the
        request (Anthropic's and Bedrock's JSON answers) override this."""
        return self.stream_decoder()

    def describe_error(self, headers: Mapping[str, str], body: Any) -> ErrorDetail:
        """Read an error body's type; the default understands `{"error": {"type": ...}}`."""
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            kind = error.get("type") or error.get("code") or error.get("status") or ""
            return ErrorDetail(str(kind))
        return ErrorDetail()

    # -- the shared machinery -------------------------------------------------------------
    def _error(self, response: UpstreamResponse, content: bytes) -> ProviderError:
        body: Any = None
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        detail = self.describe_error(response.headers, body)
        return http_error(self.name, self.provider_label, response.status, response.headers, detail)

    async def generate(self, request: BackendRequest) -> BackendResponse:
        data = await self.exchange(request, lambda: self.prepare(request, stream=False))
        try:
            return self.parse_response(data)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise protocol_error(self.name, self.provider_label, f"missing {exc}") from None

    async def exchange(
        self, request: Deadlined, build: Callable[[], Awaitable[UpstreamCall]]
    ) -> Any:
        """One JSON request and its decoded JSON answer, under the request's deadline; every
        failure is a `ProviderError` (embeddings calls use it as well as `generate`)."""
        end = cutoff(request, self._timeout_s, self.name)
        try:
            async with asyncio.timeout_at(end):
                call = await build()
                response = await self._client.post(call.url, call.body, call.headers)
                try:
                    content = await response.read()
                finally:
                    await response.close()
        except TimeoutError:
            raise timed_out(request, self._timeout_s, self.name) from None
        except TransportFailure as exc:
            raise transport_error(self.name, exc.kind) from exc
        if response.status >= 400:
            raise self._error(response, content[:_MAX_ERROR_BODY])
        try:
            return json.loads(content)
        except ValueError:
            raise protocol_error(self.name, self.provider_label, "body is not JSON") from None

    def parsed(self, parse: Callable[[Any], Any], data: Any) -> Any:
        """`parse(data)`, with a provider answer missing what it should hold a protocol error."""
        try:
            return parse(data)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise protocol_error(self.name, self.provider_label, f"missing {exc}") from None

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        end = cutoff(request, self._timeout_s, self.name)
        try:
            async with asyncio.timeout_at(end):
                call = await self.prepare(request, stream=True)
                response = await self._client.post(call.url, call.body, call.headers)
        except TimeoutError:
            raise timed_out(request, self._timeout_s, self.name) from None
        except TransportFailure as exc:
            raise transport_error(self.name, exc.kind) from exc
        try:
            if response.status >= 400:
                content = await self._read_error(response, end, request)
                raise self._error(response, content)
            decoder = self.stream_decoder_for(request)
            body = response.chunks().__aiter__()
            while True:
                try:
                    async with asyncio.timeout_at(end):
                        data = await anext(body, None)
                except TimeoutError:
                    raise timed_out(request, self._timeout_s, self.name) from None
                except TransportFailure as exc:
                    raise transport_error(self.name, exc.kind) from exc
                if data is None:
                    break
                for chunk in self._decode(decoder.feed, data):
                    yield chunk
            for chunk in self._decode(lambda _: decoder.finish(), b""):
                yield chunk
        finally:
            await response.close()

    def _decode(self, step: Any, data: bytes) -> list[StreamChunk]:
        try:
            return list(step(data))
        except ProviderError:
            raise
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise protocol_error(
                self.name, self.provider_label, f"bad stream data: {exc}"
            ) from None

    async def _read_error(
        self, response: UpstreamResponse, end: float, request: BackendRequest
    ) -> bytes:
        content = b""
        try:
            async with asyncio.timeout_at(end):
                async for piece in response.chunks():
                    content += piece
                    if len(content) >= _MAX_ERROR_BODY:
                        break
        except TimeoutError:
            raise timed_out(request, self._timeout_s, self.name) from None
        except TransportFailure:
            pass  # the status alone still says what happened
        return content

    async def close(self) -> None:
        await self._client.close()
