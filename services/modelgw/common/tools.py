"""Function calling and structured output, as the pipeline, the trust layer and backends see them.

Front doors translate the OpenAI and protobuf shapes to these; adapters
translate them to their provider's wire format. JSON documents (tool-call
arguments, JSON schemas) are kept as the JSON *text* the caller or the model
wrote: the trust layer masks the strings inside that text one by one
(`modelgw.gateway.json_texts`) and every adapter parses it where its wire
format wants an object.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call the model asked for (in an answer, or in the history it is sent)."""

    id: str
    """The call's id, as the provider made it (or the gateway, for providers without ids):
    the `tool` message with the result names it. An identifier, never free text."""
    name: str
    """The function's name: an identifier from the request's tool definitions."""
    arguments: str
    """The arguments as JSON text, as the model wrote them."""


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a streamed tool call: `index` says which call of the answer it extends.

    The first piece of a call carries its id and name; later ones only more argument text.
    """

    index: int
    id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """A function the model may call."""

    name: str
    """An identifier (`[A-Za-z0-9_-]{1,64}`): checked, sent as is, never masked."""
    description: str = ""
    parameters: str = ""
    """The JSON schema of the arguments, as JSON text; empty: no parameters."""
    strict: bool | None = None
    """OpenAI's strict schema adherence; passed on only where a provider has it."""


class ToolChoiceMode(StrEnum):
    AUTO = "auto"
    NONE = "none"
    REQUIRED = "required"
    FUNCTION = "function"
    """Call exactly the function `ToolChoice.name`."""


@dataclass(frozen=True, slots=True)
class ToolChoice:
    mode: ToolChoiceMode = ToolChoiceMode.AUTO
    name: str = ""
    """The function to call when `mode` is FUNCTION."""


class ResponseFormatType(StrEnum):
    TEXT = "text"
    JSON_OBJECT = "json_object"
    JSON_SCHEMA = "json_schema"


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    type: ResponseFormatType
    name: str = ""
    """The schema's name (JSON_SCHEMA): an identifier like a tool name."""
    schema: str = ""
    """The JSON schema the answer must follow, as JSON text (JSON_SCHEMA)."""
    description: str = ""
    strict: bool | None = None

    @property
    def json(self) -> bool:
        """The answer is a JSON document (restored values are escaped inside its strings)."""
        return self.type is not ResponseFormatType.TEXT
