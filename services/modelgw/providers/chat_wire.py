"""Messages, tools and formats in the Chat Completions wire format (requests and answers).

Shared by every adapter that speaks Chat Completions (`openai`,
`azure_openai`, `openai_compatible`, SageMaker `openai_chat`) and by Cohere's
v2 Chat API, whose messages and tools have the same shape. JSON documents
travel as JSON text through the gateway (masked string by string) and are
parsed back into objects here, where the wire format wants objects.
"""

from __future__ import annotations

import json
from typing import Any

import grpc

from modelgw.common.errors import BackendError
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.common.tools import (
    ResponseFormat,
    ResponseFormatType,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    ToolChoiceMode,
    ToolDefinition,
)


def json_value(text: str, default: Any = None) -> Any:
    """JSON text (already checked where it came in) as a value; `default` when empty."""
    return json.loads(text) if text else default


def tool_call_body(call: ToolCall) -> dict[str, Any]:
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments},
    }


def message_body(message: ChatMessage) -> dict[str, Any]:
    body: dict[str, Any] = {"role": message.role.value}
    if message.images:
        parts: list[dict[str, Any]] = []
        if message.content:
            parts.append({"type": "text", "text": message.content})
        parts += [
            {"type": "image_url", "image_url": {"url": i.url, "detail": i.detail.value}}
            for i in message.images
        ]
        body["content"] = parts
    elif message.tool_calls and not message.content:
        body["content"] = None
    else:
        body["content"] = message.content
    if message.tool_calls:
        body["tool_calls"] = [tool_call_body(c) for c in message.tool_calls]
    if message.role is Role.TOOL:
        body["tool_call_id"] = message.tool_call_id
    return body


def tool_body(tool: ToolDefinition) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name}
    if tool.description:
        function["description"] = tool.description
    if tool.parameters:
        function["parameters"] = json_value(tool.parameters)
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def tool_choice_body(choice: ToolChoice) -> str | dict[str, Any]:
    if choice.mode is ToolChoiceMode.FUNCTION:
        return {"type": "function", "function": {"name": choice.name}}
    return choice.mode.value


def response_format_body(value: ResponseFormat) -> dict[str, Any]:
    if value.type is ResponseFormatType.JSON_SCHEMA:
        spec: dict[str, Any] = {"name": value.name, "schema": json_value(value.schema, {})}
        if value.description:
            spec["description"] = value.description
        if value.strict is not None:
            spec["strict"] = value.strict
        return {"type": "json_schema", "json_schema": spec}
    return {"type": value.type.value}


def tool_fields(params: GenerationParams) -> dict[str, Any]:
    """`tools`, `tool_choice`, `parallel_tool_calls`, `response_format`: those that are set."""
    body: dict[str, Any] = {}
    if params.tools:
        body["tools"] = [tool_body(t) for t in params.tools]
    if params.tool_choice is not None:
        body["tool_choice"] = tool_choice_body(params.tool_choice)
    if params.parallel_tool_calls is not None and params.tools:
        body["parallel_tool_calls"] = params.parallel_tool_calls
    if params.response_format is not None:
        body["response_format"] = response_format_body(params.response_format)
    return body


def _arguments(value: Any) -> str:
    """Arguments as JSON text; a few servers send an object instead of a string."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def tool_calls_of(message: dict[str, Any]) -> tuple[ToolCall, ...]:
    return tuple(
        ToolCall(
            str(call.get("id") or f"call_{i}"),
            str((call.get("function") or {}).get("name") or ""),
            _arguments((call.get("function") or {}).get("arguments")),
        )
        for i, call in enumerate(message.get("tool_calls") or ())
    )


def tool_call_deltas(delta: dict[str, Any]) -> tuple[ToolCallDelta, ...]:
    out = []
    for position, call in enumerate(delta.get("tool_calls") or ()):
        function = call.get("function") or {}
        out.append(
            ToolCallDelta(
                index=int(call.get("index", position)),
                id=str(call.get("id") or ""),
                name=str(function.get("name") or ""),
                arguments=_arguments(function.get("arguments")),
            )
        )
    return tuple(out)


def arguments_object(call: ToolCall, backend: str) -> dict[str, Any]:
    """A history call's arguments as the JSON object providers with typed blocks want."""
    try:
        value = json.loads(call.arguments) if call.arguments.strip() else {}
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BackendError(
            f"{backend}: the arguments of tool call {call.id!r} are not a JSON object, which "
            "this provider needs",
            code=grpc.StatusCode.INVALID_ARGUMENT,
            retryable=False,
        )
    return value


def result_object(content: str) -> dict[str, Any]:
    """A tool result as a JSON object (Gemini's `functionResponse.response`)."""
    try:
        value = json.loads(content)
    except ValueError:
        return {"result": content}
    return value if isinstance(value, dict) else {"result": value}


def arguments_text(value: Any) -> str:
    """A provider's arguments object as the JSON text the gateway passes on."""
    return json.dumps(value if value is not None else {}, ensure_ascii=False)
