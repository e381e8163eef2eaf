"""`bedrock`: AWS Bedrock Converse and ConverseStream, SigV4-signed (service `bedrock`).

ConverseStream answers in AWS event-stream frames whose `:event-type` is
messageStart, contentBlockStart/Delta/Stop, messageStop (stop reason) and
metadata (token usage); exception frames carry `:exception-type`. A tool call
starts with `contentBlockStart.start.toolUse` (id, name) and streams its input
as `contentBlockDelta.delta.toolUse.input` pieces. Converse has no JSON
response format (a forced tool call stands in: `json_by_tool`) and takes
images as bytes only (not URLs).

Embeddings use InvokeModel (`/model/{id}/invoke`), whose body is the model
family's own: Amazon Titan Text Embeddings (one text per call, so one call per
input, side by side) or Cohere Embed on Bedrock (all texts in one call; token
counts are not in its body, so usage falls back to the gateway's estimate).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from modelgw.common.config.providers import BedrockProvider
from modelgw.common.messages import FinishReason, Role, Usage
from modelgw.common.tools import ToolCall, ToolCallDelta
from modelgw.providers.aws import SigV4Signer, describe_aws_error, raise_exception_frame
from modelgw.providers.base import (
    BackendRequest,
    BackendResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)
from modelgw.providers.bedrock_wire import conversation, tool_config
from modelgw.providers.chat_wire import arguments_text
from modelgw.providers.features import Feature
from modelgw.providers.json_by_tool import answer_tool_name, json_answer
from modelgw.providers.transport.backend import HttpBackend, StreamDecoder, UpstreamCall
from modelgw.providers.transport.errors import ErrorDetail, early_end
from modelgw.providers.transport.eventstream import EventStreamDecoder

_FINISH = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "tool_use": FinishReason.TOOL_CALLS,
    "max_tokens": FinishReason.LENGTH,
    "model_context_window_exceeded": FinishReason.LENGTH,
    "content_filtered": FinishReason.CONTENT_FILTER,
    "guardrail_intervened": FinishReason.CONTENT_FILTER,
}


def _finish(value: str | None) -> FinishReason:
    return _FINISH.get(value or "end_turn", FinishReason.STOP)


def _usage(data: Any) -> Usage:
    data = data or {}
    return Usage(int(data.get("inputTokens") or 0), int(data.get("outputTokens") or 0))


class BedrockBackend(HttpBackend):
    provider_type = "bedrock"
    provider_label = "Bedrock"
    features = frozenset(
        {
            Feature.TOOLS,
            Feature.IMAGES,
            Feature.EMBEDDINGS,
            Feature.JSON_OBJECT,
            Feature.JSON_SCHEMA,
        }
    )

    def __init__(self, name: str, config: BedrockProvider) -> None:
        super().__init__(name, config)
        assert config.region is not None  # the schema requires it
        self._endpoint = (
            config.endpoint_url or f"https://bedrock-runtime.{config.region}.amazonaws.com"
        )
        self._signer = SigV4Signer(config.credentials, "bedrock", config.region)

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        system, messages = conversation(request.messages, self.name)
        body: dict[str, Any] = {"messages": messages}
        if system is not None:
            body["system"] = [{"text": system}]
        history_has_tools = any(m.tool_calls or m.role is Role.TOOL for m in request.messages)
        tools = tool_config(request.params, history_has_tools, self.name)
        if tools is not None:
            body["toolConfig"] = tools
        p = request.params
        config = {
            "maxTokens": p.max_tokens,
            "temperature": p.temperature,
            "topP": p.top_p,
            "stopSequences": list(p.stop) if p.stop else None,
        }
        inference = {k: v for k, v in config.items() if v is not None}
        if inference:
            body["inferenceConfig"] = inference
        operation = "converse-stream" if stream else "converse"
        url = f"{self._endpoint}/model/{quote(request.model, safe='')}/{operation}"
        payload = json.dumps(body).encode()
        headers = {"content-type": "application/json", "accept": "application/json"}
        if stream:
            headers["accept"] = "application/vnd.amazon.eventstream"
        return UpstreamCall(url, payload, await self._signer.sign(url, payload, headers))

    async def _invoke(self, request: EmbeddingRequest, body: dict[str, Any]) -> Any:
        url = f"{self._endpoint}/model/{quote(request.model, safe='')}/invoke"
        payload = json.dumps(body).encode()
        headers = {"content-type": "application/json", "accept": "application/json"}

        async def build() -> UpstreamCall:
            return UpstreamCall(url, payload, await self._signer.sign(url, payload, headers))

        return await self.exchange(request, build)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        if "cohere.embed" in request.model:
            body: dict[str, Any] = {
                "texts": list(request.inputs),
                "input_type": "search_document",
                "embedding_types": ["float"],
            }
            if request.dimensions is not None:
                body["output_dimension"] = request.dimensions
            data = await self._invoke(request, body)
            response: EmbeddingResponse = self.parsed(_cohere_vectors, data)
            return response

        async def one(text: str) -> tuple[list[float], int]:
            titan: dict[str, Any] = {"inputText": text}
            if request.dimensions is not None:
                titan["dimensions"] = request.dimensions
            data = await self._invoke(request, titan)
            vector, tokens = self.parsed(_titan_vector, data)
            return vector, tokens

        results = await asyncio.gather(*(one(text) for text in request.inputs))
        return EmbeddingResponse(
            [vector for vector, _ in results], Usage(sum(tokens for _, tokens in results))
        )

    def parse_response(self, data: Any) -> BackendResponse:
        blocks = data["output"]["message"]["content"]
        text = "".join(b["text"] for b in blocks if "text" in b)
        calls = tuple(
            ToolCall(
                str(b["toolUse"]["toolUseId"]),
                str(b["toolUse"]["name"]),
                arguments_text(b["toolUse"].get("input")),
            )
            for b in blocks
            if "toolUse" in b
        )
        return BackendResponse(
            text, _finish(data.get("stopReason")), _usage(data.get("usage")), calls
        )

    def describe_error(self, headers: Mapping[str, str], body: Any) -> ErrorDetail:
        return describe_aws_error(headers, body)

    def stream_decoder(self) -> StreamDecoder:
        return _ConverseStream(self.name, self.provider_label)

    def stream_decoder_for(self, request: BackendRequest) -> StreamDecoder:
        response_format = json_answer(request.params, self.name)
        answer_tool = answer_tool_name(response_format) if response_format else None
        return _ConverseStream(self.name, self.provider_label, answer_tool)

    async def generate(self, request: BackendRequest) -> BackendResponse:
        response_format = json_answer(request.params, self.name)
        answer_tool = answer_tool_name(response_format) if response_format else None
        data = await self.exchange(request, lambda: self.prepare(request, stream=False))
        response: BackendResponse = self.parsed(self.parse_response, data)
        for call in response.tool_calls:
            if answer_tool is not None and call.name == answer_tool:
                return BackendResponse(call.arguments, FinishReason.STOP, response.usage)
        return response


def _titan_vector(data: dict[str, Any]) -> tuple[list[float], int]:
    return [float(x) for x in data["embedding"]], int(data.get("inputTextTokenCount") or 0)


def _cohere_vectors(data: dict[str, Any]) -> EmbeddingResponse:
    embeddings = data["embeddings"]
    vectors = embeddings["float"] if isinstance(embeddings, dict) else embeddings
    return EmbeddingResponse([[float(x) for x in v] for v in vectors], Usage())


class _ConverseStream:
    def __init__(self, backend: str, provider: str, answer_tool: str | None = None) -> None:
        """`answer_tool`: the forced tool whose input is the JSON answer (streamed as text)."""
        self._backend, self._provider = backend, provider
        self._answer_tool = answer_tool
        self._answer_block: int | None = None
        self._frames = EventStreamDecoder()
        self._finish: FinishReason | None = None
        self._done = False
        self._calls: dict[int, int] = {}
        """contentBlockIndex → the tool call's index among the answer's calls."""

    def feed(self, data: bytes) -> list[StreamChunk]:
        chunks: list[StreamChunk] = []
        for frame in self._frames.feed(data):
            if frame.message_type != "event":
                raise_exception_frame(self._backend, self._provider, frame)
            payload = json.loads(frame.payload) if frame.payload else {}
            kind = frame.event_type
            if kind == "contentBlockStart":
                use = (payload.get("start") or {}).get("toolUse")
                if use and use.get("name") == self._answer_tool:
                    self._answer_block = int(payload["contentBlockIndex"])
                elif use:
                    index = self._calls[int(payload["contentBlockIndex"])] = len(self._calls)
                    start = ToolCallDelta(index, str(use["toolUseId"]), str(use["name"]))
                    chunks.append(StreamChunk(tool_calls=(start,)))
            elif kind == "contentBlockDelta":
                delta = payload.get("delta") or {}
                if delta.get("text"):
                    chunks.append(StreamChunk(delta=delta["text"]))
                piece = (delta.get("toolUse") or {}).get("input")
                if piece and int(payload.get("contentBlockIndex", -1)) == self._answer_block:
                    chunks.append(StreamChunk(delta=piece))
                elif piece:
                    index = self._calls[int(payload["contentBlockIndex"])]
                    chunks.append(StreamChunk(tool_calls=(ToolCallDelta(index, arguments=piece),)))
            elif kind == "messageStop":
                self._finish = _finish(payload.get("stopReason"))
                if self._answer_block is not None and self._finish is FinishReason.TOOL_CALLS:
                    self._finish = FinishReason.STOP  # the forced call was the answer
            elif kind == "metadata":
                self._done = True
                chunks.append(
                    StreamChunk(
                        finish_reason=self._finish or FinishReason.STOP,
                        usage=_usage(payload.get("usage")),
                    )
                )
        return chunks

    def finish(self) -> list[StreamChunk]:
        if self._done:
            return []
        if self._finish is not None and not self._frames.pending():
            self._done = True  # messageStop without metadata: no usage reported
            return [StreamChunk(finish_reason=self._finish)]
        raise early_end(self._backend, self._provider, "no messageStop")
