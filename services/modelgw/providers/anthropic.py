"""`anthropic`: the Messages API.

The system prompt is a top-level field, turns alternate, `max_tokens` is
mandatory. Streaming is SSE with named events: `message_start` (input token
count), `content_block_delta` (text), `message_delta` (stop reason, output
tokens so far), `message_stop`; `ping` is ignored and `error` ends the
stream with the error it names. A `tool_use` block streams its arguments as
`input_json_delta` pieces; blocks are numbered with text blocks, calls are
numbered apart (the gateway's tool-call index). A JSON response format is a
forced tool call whose input is the answer (`json_by_tool`).
"""

from __future__ import annotations

import json
from typing import Any

from modelgw.common.config.providers import AnthropicProvider
from modelgw.common.config.secrets import resolve_secret
from modelgw.common.messages import FinishReason, Usage
from modelgw.common.tools import ToolCall, ToolCallDelta
from modelgw.providers.anthropic_wire import conversation, tool_fields
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from modelgw.providers.chat_wire import arguments_text
from modelgw.providers.features import Feature
from modelgw.providers.json_by_tool import answer_tool_name, json_answer
from modelgw.providers.transport.backend import HttpBackend, StreamDecoder, UpstreamCall
from modelgw.providers.transport.errors import early_end, stream_error
from modelgw.providers.transport.sse import SseDecoder, SseEvent

_FINISH = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "tool_use": FinishReason.TOOL_CALLS,
    "pause_turn": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "model_context_window_exceeded": FinishReason.LENGTH,
    "refusal": FinishReason.CONTENT_FILTER,
}

# error.type of an `error` event -> the HTTP status the same error has as a response
_ERROR_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "overloaded_error": 529,
}


def _finish(value: str | None) -> FinishReason:
    return _FINISH.get(value or "end_turn", FinishReason.STOP)


class AnthropicBackend(HttpBackend):
    provider_type = "anthropic"
    provider_label = "Anthropic"
    features = frozenset(
        {
            Feature.TOOLS,
            Feature.IMAGES,
            Feature.IMAGE_URLS,
            Feature.JSON_OBJECT,
            Feature.JSON_SCHEMA,
        }
    )

    def __init__(self, name: str, config: AnthropicProvider) -> None:
        super().__init__(name, config)
        self._config = config
        self._url = f"{config.base_url}/v1/messages"
        self._headers = {
            "x-api-key": resolve_secret(config.api_key),
            "anthropic-version": config.anthropic_version,
            "content-type": "application/json",
        }

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        system, messages = conversation(request.messages, self.name)
        p = request.params
        body: dict[str, Any] = {
            "model": request.model,
            "max_tokens": p.max_tokens or self._config.default_max_tokens,
            "messages": messages,
        }
        if system is not None:
            body["system"] = system
        if p.temperature is not None:
            body["temperature"] = p.temperature
        if p.top_p is not None:
            body["top_p"] = p.top_p
        if p.stop:
            body["stop_sequences"] = list(p.stop)
        body.update(tool_fields(p, self.name))
        if stream:
            body["stream"] = True
        # presence/frequency penalties have no Messages API equivalent: not sent. A seed
        # cannot be honoured either: requests with one are not routed here (`Feature.SEED`).
        return UpstreamCall(self._url, json.dumps(body).encode(), dict(self._headers))

    def generate_answer(self, data: Any, answer_tool: str | None) -> BackendResponse:
        response = self.parse_response(data)
        if answer_tool is None:
            return response
        for call in response.tool_calls:
            if call.name == answer_tool:  # the JSON answer, as the forced tool's input
                return BackendResponse(call.arguments, FinishReason.STOP, response.usage)
        return response

    async def generate(self, request: BackendRequest) -> BackendResponse:
        response_format = json_answer(request.params, self.name)
        answer_tool = answer_tool_name(response_format) if response_format else None
        data = await self.exchange(request, lambda: self.prepare(request, stream=False))
        answer: BackendResponse = self.parsed(lambda d: self.generate_answer(d, answer_tool), data)
        return answer

    def stream_decoder_for(self, request: BackendRequest) -> StreamDecoder:
        response_format = json_answer(request.params, self.name)
        answer_tool = answer_tool_name(response_format) if response_format else None
        return _MessagesStream(self.name, self.provider_label, answer_tool)

    def parse_response(self, data: Any) -> BackendResponse:
        text = "".join(b.get("text", "") for b in data["content"] if b.get("type") == "text")
        calls = tuple(
            ToolCall(str(b["id"]), str(b["name"]), arguments_text(b.get("input")))
            for b in data["content"]
            if b.get("type") == "tool_use"
        )
        usage = data.get("usage") or {}
        return BackendResponse(
            text,
            _finish(data.get("stop_reason")),
            Usage(int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0)),
            calls,
        )

    def stream_decoder(self) -> StreamDecoder:
        return _MessagesStream(self.name, self.provider_label)


class _MessagesStream:
    def __init__(self, backend: str, provider: str, answer_tool: str | None = None) -> None:
        """`answer_tool`: the forced tool whose input is the JSON answer (streamed as text)."""
        self._backend, self._provider = backend, provider
        self._answer_tool = answer_tool
        self._answer_block: int | None = None
        self._sse = SseDecoder()
        self._input_tokens = 0
        self._output_tokens = 0
        self._finish: FinishReason | None = None
        self._done = False
        self._calls: dict[int, int] = {}
        """Content block index → the tool call's index among the answer's calls."""
        self._empty: set[int] = set()
        """Calls whose arguments have not started yet (no parameters: `{}`)."""

    def feed(self, data: bytes) -> list[StreamChunk]:
        return self._handle(self._sse.feed(data))

    def finish(self) -> list[StreamChunk]:
        chunks = self._handle(self._sse.finish())
        if not self._done:
            raise early_end(self._backend, self._provider, "no message_stop")
        return chunks

    def _handle(self, events: list[SseEvent]) -> list[StreamChunk]:
        chunks: list[StreamChunk] = []
        for event in events:
            data = json.loads(event.data)
            kind = data.get("type", event.event)
            if kind == "message_start":
                usage = data["message"].get("usage") or {}
                self._input_tokens = int(usage.get("input_tokens") or 0)
                self._output_tokens = int(usage.get("output_tokens") or 0)
            elif kind == "content_block_start":
                block = data.get("content_block") or {}
                if block.get("type") == "tool_use" and block.get("name") == self._answer_tool:
                    self._answer_block = int(data["index"])
                elif block.get("type") == "tool_use":
                    index = self._calls[int(data["index"])] = len(self._calls)
                    self._empty.add(index)
                    call = ToolCallDelta(index, str(block["id"]), str(block["name"]))
                    chunks.append(StreamChunk(tool_calls=(call,)))
            elif kind == "content_block_delta":
                delta = data.get("delta") or {}
                if delta.get("type") == "text_delta" and delta.get("text"):
                    chunks.append(StreamChunk(delta=delta["text"]))
                elif delta.get("type") == "input_json_delta" and delta.get("partial_json"):
                    if int(data["index"]) == self._answer_block:
                        chunks.append(StreamChunk(delta=delta["partial_json"]))
                        continue
                    index = self._calls[int(data["index"])]
                    self._empty.discard(index)
                    piece = ToolCallDelta(index, arguments=delta["partial_json"])
                    chunks.append(StreamChunk(tool_calls=(piece,)))
            elif kind == "message_delta":
                stop = (data.get("delta") or {}).get("stop_reason")
                if stop:
                    self._finish = _finish(stop)
                    if self._answer_block is not None and self._finish is FinishReason.TOOL_CALLS:
                        self._finish = FinishReason.STOP  # the forced call was the answer
                usage = data.get("usage") or {}
                if usage.get("output_tokens") is not None:
                    self._output_tokens = int(usage["output_tokens"])  # cumulative
            elif kind == "message_stop":
                self._done = True
                chunks.append(
                    StreamChunk(
                        finish_reason=self._finish or FinishReason.STOP,
                        usage=Usage(self._input_tokens, self._output_tokens),
                    )
                )
            elif kind == "error":
                error = data.get("error") or {}
                error_type = str(error.get("type", "error"))
                raise stream_error(
                    self._backend, self._provider, error_type, _ERROR_STATUS.get(error_type, 500)
                )
            elif kind == "content_block_stop":
                index = self._calls.get(int(data.get("index", -1)), -1)
                if index in self._empty:  # a call without arguments: say so as JSON
                    self._empty.discard(index)
                    empty = ToolCallDelta(index, arguments="{}")
                    chunks.append(StreamChunk(tool_calls=(empty,)))
            # ping: nothing to do
        return chunks
