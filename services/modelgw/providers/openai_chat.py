"""The Chat Completions wire format, shared by `openai`, `azure_openai`,
`openai_compatible` and SageMaker containers that speak it.

Only the masked messages and generation parameters are sent: caller metadata
(end user, session, labels) never leaves modelgw.
"""

from __future__ import annotations

import json
from typing import Any

from modelgw.common.messages import FinishReason, Usage
from modelgw.providers.base import (
    BackendRequest,
    BackendResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)
from modelgw.providers.chat_wire import message_body, tool_call_deltas, tool_calls_of, tool_fields
from modelgw.providers.features import CHAT_COMPLETIONS, Feature
from modelgw.providers.transport.backend import HttpBackend, StreamDecoder, UpstreamCall
from modelgw.providers.transport.errors import early_end, protocol_error, stream_error
from modelgw.providers.transport.sse import SseDecoder

_FINISH = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "content_filter": FinishReason.CONTENT_FILTER,
    "tool_calls": FinishReason.TOOL_CALLS,
    "function_call": FinishReason.TOOL_CALLS,
}


def chat_body(
    request: BackendRequest,
    *,
    model: str | None,
    stream: bool,
    stream_usage: bool = True,
    max_tokens_field: str = "max_tokens",
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if model is not None:
        body["model"] = model
    body["messages"] = [message_body(m) for m in request.messages]
    p = request.params
    optional = {
        max_tokens_field: p.max_tokens,
        "temperature": p.temperature,
        "top_p": p.top_p,
        "seed": p.seed,
        "presence_penalty": p.presence_penalty,
        "frequency_penalty": p.frequency_penalty,
    }
    body.update({k: v for k, v in optional.items() if v is not None})
    if p.stop:
        body["stop"] = list(p.stop)
    body.update(tool_fields(p))
    if stream:
        body["stream"] = True
        if stream_usage:
            body["stream_options"] = {"include_usage": True}
    return body


def _status_of(error: dict[str, Any]) -> int:
    """The HTTP status an in-stream error stands for; unknown means the server failed (503)."""
    for value in (error.get("status"), error.get("code")):
        if str(value).isdigit() and 400 <= int(str(value)) < 600:
            return int(str(value))
    return 503


def finish_reason(value: str | None) -> FinishReason:
    return _FINISH.get(value or "stop", FinishReason.STOP)


def usage_of(data: Any) -> Usage:
    if not isinstance(data, dict):
        return Usage()
    return Usage(int(data.get("prompt_tokens") or 0), int(data.get("completion_tokens") or 0))


def parse_chat_response(data: dict[str, Any]) -> BackendResponse:
    choice = data["choices"][0]
    message = choice["message"]
    text = message.get("content") or ""
    return BackendResponse(
        text,
        finish_reason(choice.get("finish_reason")),
        usage_of(data.get("usage")),
        tool_calls_of(message),
    )


class ChatStreamDecoder:
    """`data: {chunk}` events up to `data: [DONE]`; usage comes in a last chunk without choices."""

    def __init__(self, backend: str, provider: str) -> None:
        self._backend, self._provider = backend, provider
        self._sse = SseDecoder()
        self._finish: FinishReason | None = None
        self._usage: Usage | None = None
        self._done = False

    def feed(self, data: bytes) -> list[StreamChunk]:
        return self._chunks(self._sse.feed(data))

    def finish(self) -> list[StreamChunk]:
        chunks = self._chunks(self._sse.finish())
        if not self._done:
            if self._finish is None:
                raise early_end(self._backend, self._provider, "stream closed before [DONE]")
            chunks.append(self._last())  # servers that finish without [DONE] (some llama.cpp)
        return chunks

    def _last(self) -> StreamChunk:
        self._done = True
        return StreamChunk(finish_reason=self._finish or FinishReason.STOP, usage=self._usage)

    def _chunks(self, events: list[Any]) -> list[StreamChunk]:
        chunks: list[StreamChunk] = []
        for event in events:
            if self._done:
                continue
            if event.data.strip() == "[DONE]":
                chunks.append(self._last())
                continue
            data = json.loads(event.data)
            if "error" in data:
                error = data["error"] if isinstance(data["error"], dict) else {}
                raise stream_error(
                    self._backend,
                    self._provider,
                    str(error.get("type") or error.get("code") or "an error"),
                    _status_of(error),
                )
            if data.get("usage"):
                self._usage = usage_of(data["usage"])
            for choice in data.get("choices") or []:
                delta = choice.get("delta") or {}
                if delta.get("content"):
                    chunks.append(StreamChunk(delta=delta["content"]))
                calls = tool_call_deltas(delta)
                if calls:
                    chunks.append(StreamChunk(tool_calls=calls))
                if choice.get("finish_reason"):
                    self._finish = finish_reason(choice["finish_reason"])
        return chunks


def embeddings_body(request: EmbeddingRequest, *, model: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"input": list(request.inputs), "encoding_format": "float"}
    if model is not None:
        body["model"] = model
    if request.dimensions is not None:
        body["dimensions"] = request.dimensions
    return body


def parse_embeddings(data: dict[str, Any]) -> EmbeddingResponse:
    items = sorted(data["data"], key=lambda item: int(item["index"]))
    vectors = [[float(x) for x in item["embedding"]] for item in items]
    return EmbeddingResponse(
        vectors, Usage(int((data.get("usage") or {}).get("prompt_tokens") or 0))
    )


class ChatCompletionsBackend(HttpBackend):
    """An adapter whose provider answers in Chat Completions; it only says how to call it.

    The same providers serve `/embeddings` (OpenAI's Embeddings API) beside it.
    """

    features = CHAT_COMPLETIONS | {Feature.EMBEDDINGS}

    async def embedding_call(self, request: EmbeddingRequest) -> UpstreamCall:
        raise NotImplementedError

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        data = await self.exchange(request, lambda: self.embedding_call(request))
        response: EmbeddingResponse = self.parsed(parse_embeddings, data)
        if len(response.vectors) != len(request.inputs):
            raise protocol_error(self.name, self.provider_label, "one vector per input")
        return response

    def parse_response(self, data: Any) -> BackendResponse:
        return parse_chat_response(data)

    def stream_decoder(self) -> StreamDecoder:
        return ChatStreamDecoder(self.name, self.provider_label)
