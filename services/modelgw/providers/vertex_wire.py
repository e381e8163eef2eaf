"""Messages, tools, images and JSON output in Gemini's `generateContent` shape.

An assistant's calls are `functionCall` parts (arguments as `args`); a tool's
result is a `functionResponse` part in the user's turn, named by function
(Gemini answers calls by name: the name is looked up from the call id in the
history); images are `inlineData` (data URLs) or `fileData` (addresses).
Schemas are sent as JSON Schema (`parametersJsonSchema`,
`responseJsonSchema`), as the caller wrote them. Gemini gives calls no id of
its own in most versions: the adapter makes one (`call_<random>`), which the
caller sends back and this module resolves to the name.
"""

from __future__ import annotations

import mimetypes
import secrets
from typing import Any

from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.common.tools import ResponseFormatType, ToolCall, ToolChoiceMode
from modelgw.providers.chat_wire import arguments_object, arguments_text, json_value, result_object
from modelgw.providers.turns import data_url_parts, split_blocks, tool_names

_MODES = {
    ToolChoiceMode.AUTO: "AUTO",
    ToolChoiceMode.NONE: "NONE",
    ToolChoiceMode.REQUIRED: "ANY",
    ToolChoiceMode.FUNCTION: "ANY",
}


def _parts(message: ChatMessage, names: dict[str, str], backend: str) -> list[dict[str, Any]]:
    if message.role is Role.TOOL:
        name = names.get(message.tool_call_id, message.tool_call_id)
        response = {"name": name, "response": result_object(message.content)}
        return [{"functionResponse": response}]
    parts: list[dict[str, Any]] = []
    if message.content:
        parts.append({"text": message.content})
    for image in message.images:
        if image.is_data:
            media_type, data = data_url_parts(image.url)
            parts.append({"inlineData": {"mimeType": media_type, "data": data}})
        else:
            media_type = mimetypes.guess_type(image.url)[0] or "image/jpeg"
            parts.append({"fileData": {"mimeType": media_type, "fileUri": image.url}})
    for call in message.tool_calls:
        parts.append({"functionCall": {"name": call.name, "args": arguments_object(call, backend)}})
    return parts


def contents(messages: list[ChatMessage], backend: str) -> tuple[str | None, list[Any]]:
    """The system instruction's text and the `contents` list."""
    names = tool_names(messages)
    split = split_blocks(
        messages, lambda m: _parts(m, names, backend), lambda p: "functionResponse" in p
    )
    turns = [
        {"role": "model" if role is Role.ASSISTANT else "user", "parts": parts}
        for role, parts in split.turns
    ]
    return split.system, turns


def tool_fields(params: GenerationParams) -> dict[str, Any]:
    if not params.tools:
        return {}
    declarations = []
    for tool in params.tools:
        declaration: dict[str, Any] = {"name": tool.name}
        if tool.description:
            declaration["description"] = tool.description
        if tool.parameters:
            declaration["parametersJsonSchema"] = json_value(tool.parameters)
        declarations.append(declaration)
    body: dict[str, Any] = {"tools": [{"functionDeclarations": declarations}]}
    choice = params.tool_choice
    if choice is not None:
        config: dict[str, Any] = {"mode": _MODES[choice.mode]}
        if choice.mode is ToolChoiceMode.FUNCTION:
            config["allowedFunctionNames"] = [choice.name]
        body["toolConfig"] = {"functionCallingConfig": config}
    return body


def output_config(params: GenerationParams) -> dict[str, Any]:
    """`responseMimeType` (and `responseJsonSchema`) for a JSON response format."""
    response_format = params.response_format
    if response_format is None or response_format.type is ResponseFormatType.TEXT:
        return {}
    config: dict[str, Any] = {"responseMimeType": "application/json"}
    if response_format.type is ResponseFormatType.JSON_SCHEMA:
        config["responseJsonSchema"] = json_value(response_format.schema, {})
    return config


def function_call(part: dict[str, Any]) -> ToolCall:
    """A `functionCall` part as a call; an id is made when Gemini gives none."""
    call = part["functionCall"]
    call_id = str(call.get("id") or f"call_{secrets.token_hex(12)}")
    return ToolCall(call_id, str(call["name"]), arguments_text(call.get("args")))
