"""The OpenAI wire format for chat completions and models, as pydantic models.

Requests are validated strictly (no string-to-number coercion, no NaN, no
unknown fields): an SDK that sends something modelgw would silently ignore
gets a 400 that names the field instead. Responses mirror OpenAI's objects so
existing clients parse them unchanged; they also document the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from modelgw.gateway.http.tool_models import (
    ContentPart,
    ResponseFormatIn,
    ToolCallIn,
    ToolCallOut,
    ToolChoiceIn,
    ToolIn,
)

INT64 = 2**63 - 1


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, use_attribute_docstrings=True
    )


class ChatMessageIn(_Strict):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    """`developer` is treated as `system`. The legacy `function` role is refused: use
    `tool`."""
    content: str | list[ContentPart] | None = None
    """Text, or parts: text parts (joined with line breaks) and, in user messages, images
    (sent after the text)."""
    name: str | None = Field(default=None, max_length=256)
    """Accepted for compatibility; never sent to a backend nor stored (a participant's name
    is personal data)."""
    tool_calls: list[ToolCallIn] | None = None
    """An assistant message's function calls; their arguments are scanned and masked."""
    tool_call_id: str | None = Field(default=None, max_length=128)
    """A `tool` message: the id of the call whose result `content` is."""
    refusal: str | None = None
    """Accepted when an SDK sends an earlier answer back; not sent to a backend."""
    annotations: list[Any] | None = None
    """Accepted when an SDK sends an earlier answer back; not sent to a backend."""
    audio: None = None
    function_call: None = None
    """Legacy function calling: only null is accepted (use `tool_calls`)."""


class StreamOptions(_Strict):
    include_usage: bool = False
    """Send a last chunk with `usage` and no choices before `data: [DONE]`."""
    include_obfuscation: bool | None = None
    """Accepted and ignored (modelgw adds no obfuscation padding)."""


class ChatCompletionRequest(_Strict):
    model: str = Field(max_length=256)
    """A modelgw model name (`GET /v1/models` lists those this key may use)."""
    messages: list[ChatMessageIn]
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, le=INT64)
    max_completion_tokens: int | None = Field(default=None, le=INT64)
    """Same meaning as `max_tokens`; if both are sent they must agree."""
    temperature: float | None = None
    top_p: float | None = None
    stop: str | list[str] | None = None
    seed: int | None = Field(default=None, ge=-INT64 - 1, le=INT64)
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    n: int | None = None
    """Only 1 is supported."""
    user: str | None = Field(default=None, max_length=256)
    """The end user on whose behalf the call is made; recorded in the audit log."""
    tools: list[ToolIn] | None = None
    """Functions the model may call; descriptions and schemas are scanned and masked."""
    tool_choice: ToolChoiceIn | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormatIn | None = None
    """`json_object` or `json_schema` (the schema is scanned and masked); refused (400) on
    a model whose backends cannot follow it."""
    logprobs: bool | None = None
    """Only false: log probabilities would be of the masked answer's tokens (placeholders),
    which cannot be restored."""
    top_logprobs: int | None = None
    """Only 0 (see `logprobs`)."""
    logit_bias: dict[str, float] | None = None
    """Only empty: token ids mean different things on each backend of a route."""
    metadata: dict[str, str] | None = None
    """Accepted and dropped: never sent to a backend (it could carry text) nor stored."""
    store: bool | None = None
    """Only false: modelgw never lets a provider keep completions (OpenAI gets
    `store: false`)."""
    service_tier: str | None = Field(default=None, max_length=32)
    """Accepted and dropped."""
    reasoning_effort: str | None = Field(default=None, max_length=32)
    """Accepted and dropped."""
    verbosity: str | None = Field(default=None, max_length=32)
    """Accepted and dropped."""
    modalities: list[Literal["text"]] | None = None
    """Only `["text"]`."""
    prompt_cache_key: str | None = Field(default=None, max_length=256)
    """Accepted and dropped: a caller string that would otherwise go upstream unscanned."""
    safety_identifier: str | None = Field(default=None, max_length=256)
    """Accepted and dropped (send `user` for the audit record's end user)."""


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str | None
    """Null when the answer is only tool calls."""
    refusal: None = None
    tool_calls: list[ToolCallOut] | None = None
    """The functions the model asks for, with the caller's original values restored."""


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    logprobs: None = None
    finish_reason: str


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage


class ToolCallChunkFunction(BaseModel):
    name: str | None = None
    arguments: str = ""


class ToolCallChunk(BaseModel):
    index: int
    id: str | None = None
    """On the first piece of a call, with `type` and `function.name`."""
    type: Literal["function"] | None = None
    function: ToolCallChunkFunction


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    tool_calls: list[ToolCallChunk] | None = None
    """Pieces of tool calls; concatenate `function.arguments` per index."""


class ChunkChoice(BaseModel):
    index: int = 0
    delta: ChunkDelta
    logprobs: None = None
    finish_reason: str | None = None


class ChatCompletionChunk(BaseModel):
    """One `data:` event of a streamed completion."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    """Present (null) on every chunk only when `stream_options.include_usage` is set."""


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "modelgw"
    description: str = ""


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


class ErrorObject(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorObject
