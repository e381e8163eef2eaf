"""`cohere`: Cohere's v2 API, Chat (`POST /v2/chat`) and Embed (`POST /v2/embed`).

Messages and tools have the Chat Completions shape (`chat_wire`), with Cohere's
names for the rest: `p` for top_p, `stop_sequences`, `response_format`
`json_object` with an optional `json_schema`, `tool_choice` only `REQUIRED` or
`NONE` (a named function is sent as `REQUIRED` with that function alone; parallel
calls cannot be turned off). An assistant's text before its calls is Cohere's
`tool_plan`, both ways. Streaming is SSE with typed events: `content-delta` and
`tool-plan-delta` (text), `tool-call-start` (id, name), `tool-call-delta`
(argument pieces), `message-end` (finish reason, billed usage).
"""

from __future__ import annotations

import json
from typing import Any

from modelgw.common.config.providers import CohereProvider
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.messages import ChatMessage, GenerationParams, Usage
from modelgw.common.tools import ResponseFormatType, ToolChoiceMode
from modelgw.providers.base import (
    BackendRequest,
    BackendResponse,
    EmbeddingRequest,
    EmbeddingResponse,
)
from modelgw.providers.chat_wire import json_value, message_body, tool_body, tool_calls_of
from modelgw.providers.cohere_stream import CohereChatStream, finish_reason, usage_of
from modelgw.providers.features import CHAT_COMPLETIONS, Feature
from modelgw.providers.transport.backend import HttpBackend, StreamDecoder, UpstreamCall
from modelgw.providers.transport.errors import protocol_error


def _message(message: ChatMessage) -> dict[str, Any]:
    body = message_body(message)
    if message.tool_calls:
        body.pop("content", None)
        if message.content:
            body["tool_plan"] = message.content
    return body


def _tools(params: GenerationParams) -> dict[str, Any]:
    tools = list(params.tools)
    choice = params.tool_choice
    body: dict[str, Any] = {}
    if choice is not None and choice.mode is ToolChoiceMode.FUNCTION:
        tools = [t for t in tools if t.name == choice.name]
        body["tool_choice"] = "REQUIRED"
    elif choice is not None and choice.mode is ToolChoiceMode.REQUIRED:
        body["tool_choice"] = "REQUIRED"
    elif choice is not None and choice.mode is ToolChoiceMode.NONE:
        body["tool_choice"] = "NONE"
    if tools:
        body["tools"] = [tool_body(t) for t in tools]
    return body


def _response_format(params: GenerationParams) -> dict[str, Any]:
    response_format = params.response_format
    if response_format is None or response_format.type is ResponseFormatType.TEXT:
        return {}
    out: dict[str, Any] = {"type": "json_object"}
    if response_format.type is ResponseFormatType.JSON_SCHEMA:
        out["json_schema"] = json_value(response_format.schema, {})
    return {"response_format": out}


class CohereBackend(HttpBackend):
    provider_type = "cohere"
    provider_label = "Cohere"
    features = CHAT_COMPLETIONS | {Feature.EMBEDDINGS}

    def __init__(self, name: str, config: CohereProvider) -> None:
        super().__init__(name, config)
        self._config = config
        self._headers = {
            "authorization": f"Bearer {resolve_secret(config.api_key)}",
            "content-type": "application/json",
        }

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        p = request.params
        body: dict[str, Any] = {
            "model": request.model,
            "messages": [_message(m) for m in request.messages],
            "stream": stream,
        }
        optional = {
            "max_tokens": p.max_tokens,
            "temperature": p.temperature,
            "p": p.top_p,
            "seed": p.seed,
            "presence_penalty": p.presence_penalty,
            "frequency_penalty": p.frequency_penalty,
            "stop_sequences": list(p.stop) if p.stop else None,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        body.update(_tools(p))
        body.update(_response_format(p))
        headers = dict(self._headers)
        headers["accept"] = "text/event-stream" if stream else "application/json"
        url = f"{self._config.base_url}/v2/chat"
        return UpstreamCall(url, json.dumps(body).encode(), headers)

    def parse_response(self, data: Any) -> BackendResponse:
        message = data["message"]
        text = "".join(
            c.get("text", "") for c in message.get("content") or () if c.get("type") == "text"
        )
        if not text and message.get("tool_plan"):
            text = str(message["tool_plan"])
        return BackendResponse(
            text,
            finish_reason(data.get("finish_reason")),
            usage_of(data.get("usage")),
            tool_calls_of(message),
        )

    def stream_decoder(self) -> StreamDecoder:
        return CohereChatStream(self.name, self.provider_label)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        body: dict[str, Any] = {
            "model": request.model,
            "texts": list(request.inputs),
            "input_type": self._config.embed_input_type,
            "embedding_types": ["float"],
        }
        if request.dimensions is not None:
            body["output_dimension"] = request.dimensions
        url = f"{self._config.base_url}/v2/embed"
        call = UpstreamCall(url, json.dumps(body).encode(), {**self._headers, "accept": "*/*"})

        async def build() -> UpstreamCall:
            return call

        data = await self.exchange(request, build)
        response: EmbeddingResponse = self.parsed(_parse_embeddings, data)
        if len(response.vectors) != len(request.inputs):
            raise protocol_error(self.name, self.provider_label, "one vector per input")
        return response


def _parse_embeddings(data: dict[str, Any]) -> EmbeddingResponse:
    vectors = [[float(x) for x in v] for v in data["embeddings"]["float"]]
    billed = (data.get("meta") or {}).get("billed_units") or {}
    return EmbeddingResponse(vectors, Usage(int(billed.get("input_tokens") or 0)))
