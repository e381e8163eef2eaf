"""The OpenAI wire format for tools, tool calls, structured output and content parts.

Request models are strict like the rest of the chat request: an unknown field
is a 400 naming it. JSON schemas arrive as JSON objects and are kept as
objects here; the converter turns them into JSON text for the trust layer.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, use_attribute_docstrings=True
    )


# -- content parts ---------------------------------------------------------------------------
class TextPart(_Strict):
    type: Literal["text"]
    text: str


class ImageUrl(_Strict):
    url: str
    """A `data:image/(png|jpeg|gif|webp);base64,` URL; an http(s) address only where the
    tenant allows addresses (`images.allow_urls`: the backend fetches it, modelgw never
    does). Text inside images is not scanned for personal data."""
    detail: Literal["auto", "low", "high"] = "auto"


class ImagePartIn(_Strict):
    type: Literal["image_url"]
    image_url: ImageUrl


ContentPart = TextPart | ImagePartIn


# -- tool calls in the history -----------------------------------------------------------------
class FunctionCallIn(_Strict):
    name: str = Field(max_length=64)
    arguments: str
    """JSON text: each string in it is scanned and masked like a message."""


class ToolCallIn(_Strict):
    id: str = Field(max_length=128)
    type: Literal["function"] = "function"
    function: FunctionCallIn


# -- tool definitions and choice -----------------------------------------------------------------
class FunctionDefinition(_Strict):
    name: str = Field(max_length=64)
    """Sent as is (an identifier: 1-64 of `[A-Za-z0-9_-]`)."""
    description: str | None = None
    """Scanned and masked like a message."""
    parameters: dict[str, Any] | None = None
    """A JSON schema; every string in it is scanned and masked."""
    strict: bool | None = None


class ToolIn(_Strict):
    type: Literal["function"]
    function: FunctionDefinition


class NamedFunction(_Strict):
    name: str = Field(max_length=64)


class NamedToolChoice(_Strict):
    type: Literal["function"]
    function: NamedFunction


ToolChoiceIn = Literal["none", "auto", "required"] | NamedToolChoice


# -- response format -------------------------------------------------------------------------
class TextFormat(_Strict):
    type: Literal["text"]


class JsonObjectFormat(_Strict):
    type: Literal["json_object"]


class JsonSchemaSpec(_Strict):
    name: str = Field(max_length=64)
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    """The JSON schema the answer follows; every string in it is scanned and masked."""
    strict: bool | None = None

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        populate_by_name=True,
        serialize_by_alias=True,
    )


class JsonSchemaFormat(_Strict):
    type: Literal["json_schema"]
    json_schema: JsonSchemaSpec


ResponseFormatIn = TextFormat | JsonObjectFormat | JsonSchemaFormat


# -- answers -----------------------------------------------------------------------------------
class FunctionCallOut(BaseModel):
    name: str
    arguments: str
    """JSON text with the caller's original values restored."""


class ToolCallOut(BaseModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCallOut
