"""Messages, tools and images in Anthropic's Messages API shape.

An assistant's tool calls are `tool_use` blocks (arguments as an `input`
object), a tool's result is a `tool_result` block in the user's turn that
follows, images are `image` blocks (base64 or, where the tenant allows it,
a URL). Plain text conversations keep the string `content` they always had.
"""

from __future__ import annotations

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


def _blocks(message: ChatMessage, backend: str) -> list[dict[str, Any]]:
    if message.role is Role.TOOL:
        return [
            {"type": "tool_result", "tool_use_id": message.tool_call_id, "content": message.content}
        ]
    blocks: list[dict[str, Any]] = []
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    for image in message.images:
        if image.is_data:
            media_type, data = data_url_parts(image.url)
            source = {"type": "base64", "media_type": media_type, "data": data}
        else:
            source = {"type": "url", "url": image.url}
        blocks.append({"type": "image", "source": source})
    for call in message.tool_calls:
        blocks.append(
            {
                "type": "tool_use",
                "id": call.id,
                "name": call.name,
                "input": arguments_object(call, backend),
            }
        )
    return blocks


def _plain(messages: list[ChatMessage]) -> bool:
    return not any(m.tool_calls or m.images or m.role is Role.TOOL for m in messages)


def conversation(messages: list[ChatMessage], backend: str) -> tuple[str | None, list[Any]]:
    """The top-level `system` and the `messages` list."""
    if _plain(messages):
        plain = split_system(messages)
        return plain.system, [{"role": r.value, "content": t} for r, t in plain.turns]
    split = split_blocks(
        messages, lambda m: _blocks(m, backend), lambda b: b.get("type") == "tool_result"
    )
    return split.system, [{"role": r.value, "content": blocks} for r, blocks in split.turns]


def tool_fields(params: GenerationParams, backend: str) -> dict[str, Any]:
    """`tools` and `tool_choice`; parallel calls off is `disable_parallel_tool_use`; a JSON
    response format is one forced tool (`json_by_tool`)."""
    response_format = json_answer(params, backend)
    if response_format is not None:
        name = answer_tool_name(response_format)
        tool = {
            "name": name,
            "description": answer_description(response_format),
            "input_schema": answer_schema(response_format),
        }
        return {"tools": [tool], "tool_choice": {"type": "tool", "name": name}}
    if not params.tools:
        return {}
    body: dict[str, Any] = {
        "tools": [
            {
                "name": tool.name,
                **({"description": tool.description} if tool.description else {}),
                "input_schema": json_value(tool.parameters, {"type": "object", "properties": {}}),
            }
            for tool in params.tools
        ]
    }
    choice = params.tool_choice
    mode = choice.mode if choice is not None else ToolChoiceMode.AUTO
    kind = {
        ToolChoiceMode.AUTO: "auto",
        ToolChoiceMode.NONE: "none",
        ToolChoiceMode.REQUIRED: "any",
        ToolChoiceMode.FUNCTION: "tool",
    }[mode]
    tool_choice: dict[str, Any] = {"type": kind}
    if mode is ToolChoiceMode.FUNCTION and choice is not None:
        tool_choice["name"] = choice.name
    if params.parallel_tool_calls is False and mode is not ToolChoiceMode.NONE:
        tool_choice["disable_parallel_tool_use"] = True
    if choice is not None or "disable_parallel_tool_use" in tool_choice:
        body["tool_choice"] = tool_choice
    return body
