"""The OpenAI wire format for chat completions and models, as pydantic models.

Requests are validated strictly (no string-to-number coercion, no NaN, no
unknown fields): an SDK that sends something modelgw would silently ignore
gets a 400 that names the field instead. Responses mirror OpenAI's objects so
existing clients parse them unchanged; they also document the OpenAPI schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

INT64 = 2**63 - 1


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, use_attribute_docstrings=True
    )


class TextPart(_Strict):
    """One text part of a message's content (images and audio are not supported)."""

    type: Literal["text"]
    text: str


class ChatMessageIn(_Strict):
    role: Literal["system", "developer", "user", "assistant"]
    """`developer` is treated as `system`; tool messages are not supported."""
    content: str | list[TextPart] | None = None
    name: str | None = Field(default=None, max_length=256)
    """Accepted for compatibility; not passed to the backend."""


class StreamOptions(_Strict):
    include_usage: bool = False
    """Send a last chunk with `usage` and no choices before `data: [DONE]`."""


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


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: None = None


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


class ChunkDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


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
