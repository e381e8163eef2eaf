"""Checks on what a chat request carries beyond text: tools, tool calls, JSON formats, images.

Identifiers (function names, call ids, a schema's name) reach backends as
they are, unmasked, so they are held to patterns that leave no room for free
text; every outbound text, the strings inside JSON documents included, must
be text the trust layer can read (`check_text`). Each refusal names the
field to fix.
"""

from __future__ import annotations

import json
import re

from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import Role
from modelgw.common.tools import ResponseFormatType, ToolChoiceMode
from modelgw.gateway.chat import ChatRequest
from modelgw.gateway.outbound import outbound_fields
from modelgw.gateway.validation import check_text

FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CALL_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
DATA_URL = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$")
MAX_TOOLS = 128
MAX_TOOL_CALLS = 128


def _json_object(field: str, text: str) -> None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidArgument(f"{field} must be a JSON object (a JSON schema)") from None
    if not isinstance(value, dict):
        raise InvalidArgument(f"{field} must be a JSON object (a JSON schema)")


def _name(field: str, value: str) -> None:
    if not FUNCTION_NAME.fullmatch(value):
        raise InvalidArgument(f"{field} must be 1-64 characters of [A-Za-z0-9_-], got {value!r}")


def _call_id(field: str, value: str) -> None:
    if not CALL_ID.fullmatch(value):
        raise InvalidArgument(f"{field} must be 1-128 characters of [A-Za-z0-9_.:-]")


def _check_tools(request: ChatRequest) -> None:
    params = request.params
    if len(params.tools) > MAX_TOOLS:
        raise InvalidArgument(f"tools may hold at most {MAX_TOOLS} functions")
    names: set[str] = set()
    for i, tool in enumerate(params.tools):
        _name(f"tools[{i}].name", tool.name)
        if tool.name in names:
            raise InvalidArgument(f"tools[{i}].name {tool.name!r} is defined twice")
        names.add(tool.name)
        if tool.parameters:
            _json_object(f"tools[{i}].parameters", tool.parameters)
    choice = params.tool_choice
    if choice is not None and choice.mode is not ToolChoiceMode.NONE and not params.tools:
        raise InvalidArgument("tool_choice needs tools to choose from")
    if choice is not None and choice.mode is ToolChoiceMode.FUNCTION and choice.name not in names:
        raise InvalidArgument(f"tool_choice names {choice.name!r}, which is not in tools")
    response_format = params.response_format
    if response_format is not None and response_format.type is ResponseFormatType.JSON_SCHEMA:
        _name("response_format.json_schema.name", response_format.name)
        _json_object("response_format.json_schema.schema", response_format.schema)


def _check_messages(request: ChatRequest) -> None:
    for i, message in enumerate(request.messages):
        if message.tool_calls and message.role is not Role.ASSISTANT:
            raise InvalidArgument(f"messages[{i}]: only assistant messages carry tool_calls")
        if len(message.tool_calls) > MAX_TOOL_CALLS:
            raise InvalidArgument(f"messages[{i}].tool_calls: at most {MAX_TOOL_CALLS} calls")
        for j, call in enumerate(message.tool_calls):
            _call_id(f"messages[{i}].tool_calls[{j}].id", call.id)
            _name(f"messages[{i}].tool_calls[{j}].function.name", call.name)
        if message.role is Role.TOOL:
            _call_id(f"messages[{i}].tool_call_id", message.tool_call_id)
        elif message.tool_call_id:
            raise InvalidArgument(f"messages[{i}]: only tool messages carry a tool_call_id")
        if message.images and message.role is not Role.USER:
            raise InvalidArgument(f"messages[{i}]: only user messages carry images")
        for j, image in enumerate(message.images):
            url = image.url
            if url.startswith("data:"):
                if not DATA_URL.fullmatch(url):
                    raise InvalidArgument(
                        f"messages[{i}] image {j}: a data URL must be "
                        "data:image/(png|jpeg|gif|webp);base64,<data>"
                    )
            elif not url.startswith(("https://", "http://")) or len(url) > 2048:
                raise InvalidArgument(
                    f"messages[{i}] image {j}: an image is a data: URL or an http(s) address "
                    "of at most 2048 characters"
                )


def check_content(request: ChatRequest) -> None:
    """Everything beyond `check_chat`: tools, tool calls and results, formats, images."""
    _check_tools(request)
    _check_messages(request)
    for field, text in outbound_fields(request):
        check_text(field, text)
