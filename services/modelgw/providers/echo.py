"""The `echo` backend: answers with exactly the last user message it received.

It exists so a new user sees the whole flow without any model: the answer is
the masked prompt, restored on the way back. Usage counts whitespace-separated
words, which is honest about not being a tokenizer.

It plays a model's part in function calling and structured output too, still
showing only what it received: offered tools (and not told `none`), it calls
one (the one `tool_choice` names, else the first) with the last user message
in every string argument; given tool results (the conversation ends with
`tool` messages), it answers with the last result; asked for a JSON schema,
it answers with a document that follows it, strings again the user message;
asked for a JSON object, it answers with the user message if that is one,
else `{"text": <the message>}`.

Asked for embeddings, it answers with a vector made from a hash of each text it
received (`echo_vector`): equal texts get equal vectors, and a test can tell
which text (masked or not) reached the backend.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import AsyncIterator

from modelgw.common.config.providers import EchoProvider
from modelgw.common.messages import FinishReason, Role, Usage
from modelgw.common.tools import (
    ResponseFormatType,
    ToolCall,
    ToolCallDelta,
    ToolChoiceMode,
    ToolDefinition,
)
from modelgw.providers.base import (
    BackendRequest,
    BackendResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)
from modelgw.providers.echo_json import value_for
from modelgw.providers.features import CHAT_COMPLETIONS, Feature


def _last_user_text(request: BackendRequest) -> str:
    for message in reversed(request.messages):
        if message.role is Role.USER:
            return message.content
    return ""


def _json_answer(request: BackendRequest, text: str) -> str | None:
    response_format = request.params.response_format
    if response_format is None or response_format.type is ResponseFormatType.TEXT:
        return None
    if response_format.type is ResponseFormatType.JSON_SCHEMA:
        schema = json.loads(response_format.schema) if response_format.schema else {}
        return json.dumps(value_for(schema, text), ensure_ascii=False)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return text
    return json.dumps({"text": text}, ensure_ascii=False)


def _tool_to_call(request: BackendRequest) -> ToolDefinition | None:
    params = request.params
    if not params.tools or request.messages[-1].role is Role.TOOL:
        return None
    choice = params.tool_choice
    if choice is not None and choice.mode is ToolChoiceMode.NONE:
        return None
    if choice is not None and choice.mode is ToolChoiceMode.FUNCTION:
        return next((t for t in params.tools if t.name == choice.name), params.tools[0])
    return params.tools[0]


def _answer(request: BackendRequest) -> tuple[str, tuple[ToolCall, ...]]:
    """The answer's text and tool calls (at most one)."""
    last = request.messages[-1] if request.messages else None
    if last is not None and last.role is Role.TOOL:
        return last.content, ()
    text = _last_user_text(request)
    tool = _tool_to_call(request)
    if tool is not None:
        schema = json.loads(tool.parameters) if tool.parameters else {}
        arguments = json.dumps(value_for(schema, text), ensure_ascii=False)
        return "", (ToolCall(f"call_{request.request_id[:16]}_0", tool.name, arguments),)
    return _json_answer(request, text) or text, ()


def echo_vector(text: str, dimensions: int = 8) -> list[float]:
    """A unit vector from the SHA-256 of `text` (the echo backend's embedding)."""
    raw: list[float] = []
    counter = 0
    while len(raw) < dimensions:
        digest = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        raw += [(byte - 127.5) / 127.5 for byte in digest]
        counter += 1
    vector = raw[:dimensions]
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def _words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


class EchoBackend:
    provider_type = "echo"
    features: frozenset[Feature] = CHAT_COMPLETIONS | {Feature.EMBEDDINGS}

    def __init__(self, name: str, config: EchoProvider) -> None:
        self.name = name
        self.locality = config.locality
        self._chunk_chars = config.chunk_chars

    def _usage(self, request: BackendRequest, answer: str, calls: tuple[ToolCall, ...]) -> Usage:
        return Usage(
            prompt_tokens=_words([m.content for m in request.messages]),
            completion_tokens=_words([answer, *(c.arguments for c in calls)]),
        )

    async def generate(self, request: BackendRequest) -> BackendResponse:
        answer, calls = _answer(request)
        finish = FinishReason.TOOL_CALLS if calls else FinishReason.STOP
        return BackendResponse(answer, finish, self._usage(request, answer, calls), calls)

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        answer, calls = _answer(request)
        size = self._chunk_chars
        for start in range(0, len(answer), size):
            yield StreamChunk(delta=answer[start : start + size])
        for index, call in enumerate(calls):
            yield StreamChunk(tool_calls=(ToolCallDelta(index, call.id, call.name),))
            for start in range(0, len(call.arguments), size):
                piece = call.arguments[start : start + size]
                yield StreamChunk(tool_calls=(ToolCallDelta(index, arguments=piece),))
        finish = FinishReason.TOOL_CALLS if calls else FinishReason.STOP
        yield StreamChunk(finish_reason=finish, usage=self._usage(request, answer, calls))

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        dimensions = request.dimensions or 8
        vectors = [echo_vector(text, dimensions) for text in request.inputs]
        return EmbeddingResponse(vectors, Usage(prompt_tokens=_words(request.inputs)))

    async def close(self) -> None:
        return None
