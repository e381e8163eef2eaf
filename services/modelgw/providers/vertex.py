"""`vertex`: Gemini on Vertex AI, `generateContent` and `streamGenerateContent?alt=sse`.

Roles are `user` and `model`, the system prompt is `systemInstruction`.
The SSE stream has no end marker: every event is a whole
GenerateContentResponse, the last one carries `finishReason` and
`usageMetadata`, and the body simply ends. Function calls arrive whole (one
`functionCall` part each, never split across events); Gemini says `STOP`
when it calls functions, which the adapter reports as tool calls.

Embeddings are the text-embedding models' `:predict` (`instances[].content`,
`parameters.outputDimensionality`; token counts from `statistics`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from modelgw.common.config.providers import VertexProvider
from modelgw.common.messages import FinishReason, Usage
from modelgw.common.tools import ToolCall, ToolCallDelta
from modelgw.providers.base import (
    BackendRequest,
    BackendResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)
from modelgw.providers.features import CHAT_COMPLETIONS, Feature
from modelgw.providers.google_token import GoogleTokenSource
from modelgw.providers.transport.backend import HttpBackend, StreamDecoder, UpstreamCall
from modelgw.providers.transport.errors import ErrorDetail, early_end, stream_error
from modelgw.providers.transport.sse import SseDecoder
from modelgw.providers.vertex_wire import contents, function_call, output_config, tool_fields

_FINISH = {
    "STOP": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "SAFETY": FinishReason.CONTENT_FILTER,
    "RECITATION": FinishReason.CONTENT_FILTER,
    "BLOCKLIST": FinishReason.CONTENT_FILTER,
    "PROHIBITED_CONTENT": FinishReason.CONTENT_FILTER,
    "SPII": FinishReason.CONTENT_FILTER,
    "IMAGE_SAFETY": FinishReason.CONTENT_FILTER,
}

# google.rpc status names in error bodies -> HTTP status
_STATUS = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "RESOURCE_EXHAUSTED": 429,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}


def _finish(value: str | None) -> FinishReason:
    return _FINISH.get(value or "STOP", FinishReason.STOP)


def _usage(data: Any) -> Usage:
    data = data or {}
    completion = int(data.get("candidatesTokenCount") or 0) + int(
        data.get("thoughtsTokenCount") or 0
    )
    return Usage(int(data.get("promptTokenCount") or 0), completion)


def _text(candidate: dict[str, Any]) -> str:
    parts = (candidate.get("content") or {}).get("parts") or []
    return "".join(p.get("text", "") for p in parts if not p.get("thought"))


def _calls(candidate: dict[str, Any]) -> tuple[ToolCall, ...]:
    parts = (candidate.get("content") or {}).get("parts") or []
    return tuple(function_call(p) for p in parts if "functionCall" in p)


def _finish_with(value: str | None, calls: bool) -> FinishReason:
    finish = _finish(value)
    return FinishReason.TOOL_CALLS if calls and finish is FinishReason.STOP else finish


class VertexBackend(HttpBackend):
    provider_type = "vertex"
    provider_label = "Vertex AI"
    features = CHAT_COMPLETIONS | {Feature.EMBEDDINGS}

    def __init__(self, name: str, config: VertexProvider) -> None:
        super().__init__(name, config)
        assert config.region is not None  # the schema requires it
        host = "aiplatform" if config.region == "global" else f"{config.region}-aiplatform"
        endpoint = config.endpoint_url or f"https://{host}.googleapis.com"
        self._prefix = (
            f"{endpoint}/v1/projects/{config.project}/locations/{quote(config.region, safe='')}"
            f"/publishers/{config.publisher}/models"
        )
        self._tokens = GoogleTokenSource(name, config.credentials_file)

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        system, turns = contents(request.messages, self.name)
        body: dict[str, Any] = {"contents": turns}
        if system is not None:
            body["systemInstruction"] = {"parts": [{"text": system}]}
        body.update(tool_fields(request.params))
        p = request.params
        config = {
            "maxOutputTokens": p.max_tokens,
            "temperature": p.temperature,
            "topP": p.top_p,
            "seed": p.seed,
            "presencePenalty": p.presence_penalty,
            "frequencyPenalty": p.frequency_penalty,
            "stopSequences": list(p.stop) if p.stop else None,
        }
        generation = {k: v for k, v in config.items() if v is not None}
        generation.update(output_config(p))
        if generation:
            body["generationConfig"] = generation
        method = "streamGenerateContent?alt=sse" if stream else "generateContent"
        url = f"{self._prefix}/{quote(request.model, safe='')}:{method}"
        headers = {
            "authorization": f"Bearer {await self._tokens.token()}",
            "content-type": "application/json",
        }
        return UpstreamCall(url, json.dumps(body).encode(), headers)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        body: dict[str, Any] = {"instances": [{"content": text} for text in request.inputs]}
        if request.dimensions is not None:
            body["parameters"] = {"outputDimensionality": request.dimensions}
        url = f"{self._prefix}/{quote(request.model, safe='')}:predict"

        async def build() -> UpstreamCall:
            headers = {
                "authorization": f"Bearer {await self._tokens.token()}",
                "content-type": "application/json",
            }
            return UpstreamCall(url, json.dumps(body).encode(), headers)

        data = await self.exchange(request, build)
        response: EmbeddingResponse = self.parsed(_predictions, data)
        return response

    def parse_response(self, data: Any) -> BackendResponse:
        candidates = data.get("candidates") or []
        if not candidates:  # the prompt itself was blocked (promptFeedback.blockReason)
            return BackendResponse(
                "", FinishReason.CONTENT_FILTER, _usage(data.get("usageMetadata"))
            )
        first = candidates[0]
        calls = _calls(first)
        return BackendResponse(
            _text(first),
            _finish_with(first.get("finishReason"), bool(calls)),
            _usage(data.get("usageMetadata")),
            calls,
        )

    def describe_error(self, headers: Mapping[str, str], body: Any) -> ErrorDetail:
        # {"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return ErrorDetail()
        return ErrorDetail(str(error.get("status", "")))

    def stream_decoder(self) -> StreamDecoder:
        return _GeminiStream(self.name, self.provider_label)

    async def close(self) -> None:
        self._tokens.close()
        await super().close()


def _predictions(data: dict[str, Any]) -> EmbeddingResponse:
    vectors: list[list[float]] = []
    tokens = 0
    for prediction in data["predictions"]:
        embeddings = prediction["embeddings"]
        vectors.append([float(x) for x in embeddings["values"]])
        tokens += int((embeddings.get("statistics") or {}).get("token_count") or 0)
    return EmbeddingResponse(vectors, Usage(tokens))


class _GeminiStream:
    def __init__(self, backend: str, provider: str) -> None:
        self._backend, self._provider = backend, provider
        self._sse = SseDecoder()
        self._finish: FinishReason | None = None
        self._usage: Usage | None = None
        self._calls = 0

    def feed(self, data: bytes) -> list[StreamChunk]:
        return self._handle(self._sse.feed(data))

    def finish(self) -> list[StreamChunk]:
        chunks = self._handle(self._sse.finish())
        if self._finish is None:
            raise early_end(self._backend, self._provider, "no finishReason")
        finish = self._finish
        if self._calls and finish is FinishReason.STOP:
            finish = FinishReason.TOOL_CALLS
        return [*chunks, StreamChunk(finish_reason=finish, usage=self._usage)]

    def _handle(self, events: list[Any]) -> list[StreamChunk]:
        chunks: list[StreamChunk] = []
        for event in events:
            data = json.loads(event.data)
            if "error" in data:
                error = data["error"] or {}
                status = str(error.get("status", ""))
                raise stream_error(
                    self._backend,
                    self._provider,
                    status or "an error",
                    _STATUS.get(status, int(error.get("code") or 500)),
                )
            if data.get("usageMetadata"):
                self._usage = _usage(data["usageMetadata"])
            candidates = data.get("candidates") or []
            if not candidates and (data.get("promptFeedback") or {}).get("blockReason"):
                self._finish = FinishReason.CONTENT_FILTER
            for candidate in candidates[:1]:
                text = _text(candidate)
                if text:
                    chunks.append(StreamChunk(delta=text))
                calls = [
                    ToolCallDelta(self._calls + i, call.id, call.name, call.arguments)
                    for i, call in enumerate(_calls(candidate))
                ]
                if calls:
                    self._calls += len(calls)
                    chunks.append(StreamChunk(tool_calls=tuple(calls)))
                if candidate.get("finishReason"):
                    self._finish = _finish(candidate["finishReason"])
        return chunks
