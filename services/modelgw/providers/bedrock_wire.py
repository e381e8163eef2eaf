"""Messages, tools and images in Bedrock Converse's shape.

Content blocks are `{"text"}`, `{"image": {"format", "source": {"bytes"}}}`
(Converse takes image bytes only: no URLs), `{"toolUse": {"toolUseId",
"name", "input"}}` and, in the user's turn, `{"toolResult": {"toolUseId",
"content": [{"json"} | {"text"}]}}`. Tools are `toolConfig.tools[].toolSpec`;
Converse has no `none` tool choice, so `none` sends the tools without one.
"""

from __future__ import annotations

import json
from typing import Any

from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.common.tools import ToolChoiceMode
from modelgw.providers.chat_wire import arguments_object, json_value
from modelgw.providers.json_by_tool import (
    answer_description,
    answer_schema,
    answer_tool_name,
    json_answer,
)
from modelgw.providers.turns import data_url_parts, split_blocks, split_system


def _result_content(text: str) -> list[dict[str, Any]]:
    try:
        value = json.loads(text)
    except ValueError:
        return [{"text": text}]
    return [{"json": value}] if isinstance(value, dict) else [{"text": text}]


def _blocks(message: ChatMessage, backend: str) -> list[dict[str, Any]]:
    if message.role is Role.TOOL:
        result = {"toolUseId": message.tool_call_id, "content": _result_content(message.content)}
        return [{"toolResult": result}]
    blocks: list[dict[str, Any]] = []
    if message.content:
        blocks.append({"text": message.content})
    for image in message.images:
        media_type, data = data_url_parts(image.url)
        blocks.append(
            {"image": {"format": media_type.removeprefix("image/"), "source": {"bytes": data}}}
        )
    for call in message.tool_calls:
        use = {"toolUseId": call.id, "name": call.name, "input": arguments_object(call, backend)}
        blocks.append({"toolUse": use})
    return blocks


def conversation(messages: list[ChatMessage], backend: str) -> tuple[str | None, list[Any]]:
    """The conversation's system text and its `messages` in Converse's shape."""
    if not any(m.tool_calls or m.images or m.role is Role.TOOL for m in messages):
        plain = split_system(messages)
        turns = [{"role": r.value, "content": [{"text": t}]} for r, t in plain.turns]
        return plain.system, turns
    split = split_blocks(messages, lambda m: _blocks(m, backend), lambda b: "toolResult" in b)
    return split.system, [{"role": r.value, "content": blocks} for r, blocks in split.turns]


def tool_config(
    params: GenerationParams, history_has_tools: bool, backend: str
) -> dict[str, Any] | None:
    """`toolConfig`; Converse wants it whenever the history holds tool blocks. A JSON
    response format is one forced tool (`json_by_tool`)."""
    response_format = json_answer(params, backend)
    if response_format is not None:
        name = answer_tool_name(response_format)
        spec = {
            "name": name,
            "description": answer_description(response_format),
            "inputSchema": {"json": answer_schema(response_format)},
        }
        return {"tools": [{"toolSpec": spec}], "toolChoice": {"tool": {"name": name}}}
    if not params.tools:
        return None
    tools = [
        {
            "toolSpec": {
                "name": tool.name,
                **({"description": tool.description} if tool.description else {}),
                "inputSchema": {
                    "json": json_value(tool.parameters, {"type": "object", "properties": {}})
                },
            }
        }
        for tool in params.tools
    ]
    config: dict[str, Any] = {"tools": tools}
    choice = params.tool_choice
    if choice is not None:
        if choice.mode is ToolChoiceMode.NONE and not history_has_tools:
            return None
        if choice.mode is ToolChoiceMode.REQUIRED:
            config["toolChoice"] = {"any": {}}
        elif choice.mode is ToolChoiceMode.FUNCTION:
            config["toolChoice"] = {"tool": {"name": choice.name}}
        elif choice.mode is ToolChoiceMode.AUTO:
            config["toolChoice"] = {"auto": {}}
    return config
