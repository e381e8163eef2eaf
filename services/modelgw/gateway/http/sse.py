"""The pipeline's stream events as server-sent events, the way OpenAI sends them.

    data: {"object": "chat.completion.chunk", ... "delta": {"role": "assistant", "content": ""}}
    data: {... "delta": {"content": "Hello"}}          one per restored piece of text
    data: {... "delta": {"tool_calls": [{"index": 0, "id": ..., "type": "function",
               "function": {"name": ..., "arguments": "{\"ci"}}]}}   a call's first piece
    data: {... "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "ty\"..."}}]}}
    data: {... "delta": {}, "finish_reason": "stop"}
    data: {... "choices": [], "usage": {...}}          only with stream_options.include_usage
    data: [DONE]

Each restored delta is sent the moment the pipeline yields it: the trust
layer's `StreamRestorer` holds back only a tail that could still become a
placeholder, and nothing here buffers more. An error after the stream began
is sent as `data: {"error": {...}}` (what OpenAI's SDKs raise from) and ends
the stream without `[DONE]`.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncGenerator
from typing import Any

from modelgw.common.errors import ModelgwError
from modelgw.gateway.chat import StreamDelta, StreamEnd, StreamEvent, StreamStart, StreamToolCall
from modelgw.gateway.http.convert import usage
from modelgw.gateway.http.errors import describe, internal_error_body

log = logging.getLogger(__name__)

DONE = b"data: [DONE]\n\n"
_MARK = "\ue000modelgw-delta\ue000"
"""Stands for a delta's text in a chunk encoded once per stream (see `ChunkWriter.content`)."""


def frame(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


class ChunkWriter:
    """Builds the `chat.completion.chunk` objects of one completion."""

    def __init__(self, completion_id: str, created: int, model: str, include_usage: bool) -> None:
        self._base = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
        }
        self._include_usage = include_usage
        # A text delta's chunk is this frame with the text's JSON string in the middle.
        head, mark, tail = self.chunk({"content": _MARK}).partition(json.dumps(_MARK).encode())
        self._around_text = (head, tail) if mark and mark not in tail else None

    def content(self, text: str) -> bytes:
        """`chunk({"content": text})`, the same bytes, encoding only the text: a stream
        sends one per delta, and building and encoding the whole object each time was most
        of the HTTP layer's cost of a stream. (Only a model name holding the marker itself
        takes the long way.)"""
        if self._around_text is None:
            return self.chunk({"content": text})
        head, tail = self._around_text
        return head + json.dumps(text).encode() + tail

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        payload: dict[str, Any] = {**self._base, "choices": [choice]}
        if self._include_usage:
            payload["usage"] = None
        return frame(payload)

    def event(self, event: StreamEvent) -> list[bytes]:
        if isinstance(event, StreamStart):
            return [self.chunk({"role": "assistant", "content": ""})]
        if isinstance(event, StreamDelta):
            return [self.content(event.text)]
        if isinstance(event, StreamToolCall):
            return [self.chunk({"tool_calls": [tool_call_delta(event)]})]
        frames = [self.chunk({}, event.finish_reason.value)]
        if self._include_usage:
            payload = {**self._base, "choices": [], "usage": usage(event.usage).model_dump()}
            frames.append(frame(payload))
        return frames


def tool_call_delta(event: StreamToolCall) -> dict[str, Any]:
    """One piece of a tool call as OpenAI streams it: id, type and name on the first only."""
    piece: dict[str, Any] = {"index": event.index}
    function: dict[str, str] = {"arguments": event.arguments}
    if event.id or event.name:
        piece.update(id=event.id, type="function")
        function = {"name": event.name, "arguments": event.arguments}
    piece["function"] = function
    return piece


async def sse_stream(
    events: AsyncGenerator[StreamEvent, None], writer: ChunkWriter
) -> AsyncGenerator[bytes, None]:
    """Frames for every event, then `[DONE]`; a mid-stream error becomes an error event."""
    ended = False
    # aclosing: if the client goes away, the pipeline's stream is closed now (and its
    # audit record written), not whenever the generator is garbage-collected.
    async with contextlib.aclosing(events) as stream:
        try:
            async for event in stream:
                for data in writer.event(event):
                    yield data
                ended = ended or isinstance(event, StreamEnd)
        except ModelgwError as exc:
            yield frame(describe(exc)[1])
            return
        except Exception:
            log.exception("unexpected error while streaming a completion")
            yield frame(internal_error_body())
            return
    if ended:
        yield DONE
    else:
        log.error("the pipeline's stream ended without a final event")
        yield frame(internal_error_body())
