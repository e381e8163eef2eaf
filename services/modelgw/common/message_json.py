"""Chat messages, tool definitions and tool calls as plain JSON-able dicts.

One form for every place that stores them (audit rows, sealed raw content,
cache keys). Fields beyond role and content are written only when set, so a
plain message keeps the `{"role", "content"}` form it always had: records
chained before tools existed hash exactly as they did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modelgw.common.messages import ChatMessage, ImageDetail, ImagePart, Role
from modelgw.common.tools import (
    ResponseFormat,
    ResponseFormatType,
    ToolCall,
    ToolChoice,
    ToolChoiceMode,
    ToolDefinition,
)


def tool_call_to_dict(call: ToolCall) -> dict[str, str]:
    return {"id": call.id, "name": call.name, "arguments": call.arguments}


def tool_call_from_dict(data: Mapping[str, Any]) -> ToolCall:
    return ToolCall(str(data["id"]), str(data["name"]), str(data["arguments"]))


def message_to_dict(message: ChatMessage) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role.value, "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [tool_call_to_dict(c) for c in message.tool_calls]
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    if message.images:
        out["images"] = [{"url": i.url, "detail": i.detail.value} for i in message.images]
    return out


def message_from_dict(data: Mapping[str, Any]) -> ChatMessage:
    return ChatMessage(
        Role(data["role"]),
        data["content"],
        tool_calls=tuple(tool_call_from_dict(c) for c in data.get("tool_calls") or ()),
        tool_call_id=data.get("tool_call_id") or "",
        images=tuple(
            ImagePart(i["url"], ImageDetail(i.get("detail") or "auto"))
            for i in data.get("images") or ()
        ),
    )


def tool_to_dict(tool: ToolDefinition) -> dict[str, Any]:
    out: dict[str, Any] = {"name": tool.name, "description": tool.description}
    out["parameters"] = tool.parameters
    if tool.strict is not None:
        out["strict"] = tool.strict
    return out


def tool_from_dict(data: Mapping[str, Any]) -> ToolDefinition:
    return ToolDefinition(
        data["name"],
        data.get("description") or "",
        data.get("parameters") or "",
        data.get("strict"),
    )


def tool_choice_to_dict(choice: ToolChoice) -> dict[str, str]:
    return {"mode": choice.mode.value, "name": choice.name}


def tool_choice_from_dict(data: Mapping[str, Any]) -> ToolChoice:
    return ToolChoice(ToolChoiceMode(data["mode"]), data.get("name") or "")


def response_format_to_dict(value: ResponseFormat) -> dict[str, Any]:
    out: dict[str, Any] = {"type": value.type.value}
    if value.type is ResponseFormatType.JSON_SCHEMA:
        out.update(name=value.name, schema=value.schema, description=value.description)
        if value.strict is not None:
            out["strict"] = value.strict
    return out


def response_format_from_dict(data: Mapping[str, Any]) -> ResponseFormat:
    return ResponseFormat(
        ResponseFormatType(data["type"]),
        name=data.get("name") or "",
        schema=data.get("schema") or "",
        description=data.get("description") or "",
        strict=data.get("strict"),
    )
