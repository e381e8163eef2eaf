"""Cohere v2 Chat's event stream as the gateway's chunks (see `modelgw.providers.cohere`)."""

from __future__ import annotations

import json
from typing import Any

from modelgw.common.messages import FinishReason, Usage
from modelgw.common.tools import ToolCallDelta
from modelgw.providers.base import StreamChunk
from modelgw.providers.transport.errors import early_end, stream_error
from modelgw.providers.transport.sse import SseDecoder, SseEvent

FINISH = {
    "COMPLETE": FinishReason.STOP,
    "STOP_SEQUENCE": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "TOOL_CALL": FinishReason.TOOL_CALLS,
}


def finish_reason(value: str | None) -> FinishReason:
    return FINISH.get(value or "COMPLETE", FinishReason.STOP)


def usage_of(data: Any) -> Usage:
    """Billed units (what Cohere charges), else the raw token counts."""
    data = data or {}
    counts = data.get("billed_units") or data.get("tokens") or {}
    return Usage(int(counts.get("input_tokens") or 0), int(counts.get("output_tokens") or 0))


class CohereChatStream:
    def __init__(self, backend: str, provider: str) -> None:
        self._backend, self._provider = backend, provider
        self._sse = SseDecoder()
        self._done = False
        self._calls: dict[int, int] = {}
        """Cohere's tool-call event index → the call's index among the answer's calls."""

    def feed(self, data: bytes) -> list[StreamChunk]:
        return self._handle(self._sse.feed(data))

    def finish(self) -> list[StreamChunk]:
        chunks = self._handle(self._sse.finish())
        if not self._done:
            raise early_end(self._backend, self._provider, "no message-end")
        return chunks

    def _call_index(self, data: dict[str, Any]) -> int:
        key = int(data.get("index", 0))
        if key not in self._calls:
            self._calls[key] = len(self._calls)
        return self._calls[key]

    def _handle(self, events: list[SseEvent]) -> list[StreamChunk]:
        chunks: list[StreamChunk] = []
        for event in events:
            if self._done or not event.data.strip() or event.data.strip() == "[DONE]":
                continue
            data = json.loads(event.data)
            kind = data.get("type", event.event)
            message = (data.get("delta") or {}).get("message") or {}
            if kind == "content-delta":
                text = (message.get("content") or {}).get("text")
                if text:
                    chunks.append(StreamChunk(delta=text))
            elif kind == "tool-plan-delta":
                if message.get("tool_plan"):
                    chunks.append(StreamChunk(delta=message["tool_plan"]))
            elif kind in ("tool-call-start", "tool-call-delta"):
                call = message.get("tool_calls") or {}
                function = call.get("function") or {}
                piece = ToolCallDelta(
                    self._call_index(data),
                    str(call.get("id") or ""),
                    str(function.get("name") or ""),
                    str(function.get("arguments") or ""),
                )
                chunks.append(StreamChunk(tool_calls=(piece,)))
            elif kind == "message-end":
                delta = data.get("delta") or {}
                reason = delta.get("finish_reason")
                if reason == "ERROR":
                    raise stream_error(self._backend, self._provider, "ERROR", 500)
                self._done = True
                finish = finish_reason(reason)
                if self._calls and finish is FinishReason.STOP:
                    finish = FinishReason.TOOL_CALLS
                chunks.append(StreamChunk(finish_reason=finish, usage=usage_of(delta.get("usage"))))
        return chunks
