"""Every free-text field a backend receives is listed in `modelgw.gateway.outbound` (#12, 3).

`stop` strings once reached the upstream raw while the messages beside them were
masked: nothing said they were text that leaves. These tests walk the request
types, so a field added to them without a decision fails here. Since #16 the
request carries tools, tool calls and results, JSON schemas and images: JSON
documents are masked string by string, identifiers are held to patterns.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any

import pytest

from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import CallerMetadata, ChatMessage, GenerationParams, ImagePart, Role
from modelgw.common.tools import (
    ResponseFormat,
    ResponseFormatType,
    ToolCall,
    ToolChoice,
    ToolChoiceMode,
    ToolDefinition,
)
from modelgw.gateway.chat import ChatRequest
from modelgw.gateway.content_checks import check_content
from modelgw.gateway.outbound import (
    IDENTIFIER_FIELDS,
    NOT_SENT_FIELDS,
    NOT_TEXT_FIELDS,
    OUTBOUND_FIELDS,
    outbound_fields,
    outbound_texts,
    with_texts,
)
from modelgw.providers.base import BackendRequest


def _text_paths(cls: type, prefix: str = "") -> set[str]:
    """Paths of every `str` a dataclass holds, through nested dataclasses and containers."""
    paths: set[str] = set()
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        paths |= _paths_of(hints[field.name], f"{prefix}{field.name}")
    return paths


def _paths_of(hint: Any, path: str) -> set[str]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is str:
        return {path}
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_paths_of(a, path) for a in args if a is not type(None)))
    if origin in (list, tuple) or (origin is not None and issubclass(origin, typing.Sequence)):
        return _paths_of(args[0], f"{path}[]")
    if origin is dict:
        return {f"{path}{{}}"} if str in args else set()
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _text_paths(hint, f"{path}.")
    return set()  # numbers, enums (a role is not free text), booleans


_CLASSES = (
    set(OUTBOUND_FIELDS),
    set(IDENTIFIER_FIELDS),
    set(NOT_TEXT_FIELDS),
    set(NOT_SENT_FIELDS),
)


def test_every_text_field_of_a_chat_request_is_classified() -> None:
    found = _text_paths(ChatRequest)
    listed = set().union(*_CLASSES)
    assert found - listed == set(), "new text fields: list them in gateway/outbound.py"
    assert listed - found == set(), "gateway/outbound.py lists fields that no longer exist"
    assert sum(len(c) for c in _CLASSES) == len(listed), "a field is in two classes"


def test_a_backend_request_carries_only_outbound_text() -> None:
    """What reaches a backend: its model name, the gateway's request id, outbound text,
    identifiers held to a pattern, and images."""
    names = {"model", "request_id"}
    sent = set(OUTBOUND_FIELDS) | set(IDENTIFIER_FIELDS) | set(NOT_TEXT_FIELDS)
    found = _text_paths(BackendRequest)
    assert found - names <= sent, found - names - sent


def test_outbound_texts_round_trip_through_with_texts() -> None:
    request = ChatRequest(
        model="m",
        messages=[ChatMessage(Role.SYSTEM, "be brief"), ChatMessage(Role.USER, "hi John")],
        params=GenerationParams(stop=("John", "END")),
        request_id="r",
        caller=CallerMetadata(end_user="u"),
    )
    texts = outbound_texts(request)
    assert texts == ["be brief", "hi John", "John", "END"]
    messages, params = with_texts(request, [t.replace("John", "<PERSON_1>") for t in texts])
    assert [m.content for m in messages] == ["be brief", "hi <PERSON_1>"]
    assert [m.role for m in messages] == [Role.SYSTEM, Role.USER]
    assert params.stop == ("<PERSON_1>", "END")


# -- tools, tool calls and results, schemas (#16) -------------------------------------------
ARGUMENTS = '{"customer": "John Smith", "note": "mail john@example.com", "n": 1.50}'
SCHEMA = json.dumps(
    {
        "type": "object",
        "description": "Look up John Smith's order",
        "properties": {"email": {"type": "string", "enum": ["john@example.com"]}},
    }
)


def _tool_request() -> ChatRequest:
    return ChatRequest(
        model="m",
        messages=[
            ChatMessage(Role.USER, "find John"),
            ChatMessage(Role.ASSISTANT, "", tool_calls=(ToolCall("call_1", "lookup", ARGUMENTS),)),
            ChatMessage(Role.TOOL, '{"name": "John Smith", "id": 7}', tool_call_id="call_1"),
            ChatMessage(Role.TOOL, "not json: John Smith", tool_call_id="call_1"),
        ],
        params=GenerationParams(
            stop=("John",),
            tools=(ToolDefinition("lookup", "finds John", SCHEMA),),
            tool_choice=ToolChoice(ToolChoiceMode.FUNCTION, "lookup"),
            response_format=ResponseFormat(
                ResponseFormatType.JSON_SCHEMA, "answer", SCHEMA, "about John"
            ),
        ),
        request_id="r",
    )


def test_json_documents_are_masked_string_by_string() -> None:
    request = _tool_request()
    fields = outbound_fields(request)
    texts = [t for _, t in fields]
    # every string of a JSON document is its own text (keys too), decoded
    assert "John Smith" in texts and "mail john@example.com" in texts and "customer" in texts
    assert "not json: John Smith" in texts, "a tool result that is not JSON is one text"
    assert "Look up John Smith's order" in texts and "john@example.com" in texts
    assert ("params.tools[0].parameters", "Look up John Smith's order") in fields
    assert not any(t.startswith("{") for t in texts), "no JSON document is sent whole"

    masked = [
        t.replace("John Smith", "<PERSON_1>").replace("john@example.com", 'e"\\<EMAIL_1>')
        for t in texts
    ]
    messages, params = with_texts(request, masked)
    arguments = json.loads(messages[1].tool_calls[0].arguments)
    assert arguments == {"customer": "<PERSON_1>", "note": 'mail e"\\<EMAIL_1>', "n": 1.5}
    assert "1.50" in messages[1].tool_calls[0].arguments, "non-string JSON keeps its bytes"
    assert json.loads(messages[2].content) == {"name": "<PERSON_1>", "id": 7}
    assert messages[3].content == "not json: <PERSON_1>"
    schema = json.loads(params.tools[0].parameters)
    assert schema["properties"]["email"]["enum"] == ['e"\\<EMAIL_1>']
    assert params.tools[0].description == "finds John"
    assert params.tools[0].name == "lookup", "identifiers are not texts"
    assert params.response_format is not None
    assert json.loads(params.response_format.schema)["description"] == "Look up <PERSON_1>'s order"
    assert params.stop == ("John",)


def test_unchanged_documents_keep_their_bytes() -> None:
    request = _tool_request()
    messages, params = with_texts(request, outbound_texts(request))
    assert messages[1].tool_calls[0].arguments == ARGUMENTS
    assert params.tools[0].parameters == SCHEMA


def test_values_whose_texts_did_not_change_are_kept_not_copied() -> None:
    """Collecting changes nothing, nor does masking a prompt without personal data: the
    frozen messages and parameters come back as they are; only a changed one is new."""
    request = _tool_request()
    messages, params = with_texts(request, outbound_texts(request))
    assert all(a is b for a, b in zip(messages, request.messages, strict=True))
    assert params is request.params
    texts = outbound_texts(request)
    texts[0] = texts[0] + " (masked)"
    changed, same_params = with_texts(request, texts)
    assert changed[0] is not request.messages[0] and changed[0].content.endswith("(masked)")
    assert all(a is b for a, b in zip(changed[1:], request.messages[1:], strict=True))
    assert same_params is request.params


def test_with_texts_refuses_a_wrong_count() -> None:
    request = _tool_request()
    texts = outbound_texts(request)
    for wrong in (texts[:-1], [*texts, "x"]):
        with pytest.raises(ValueError):
            with_texts(request, wrong)


def _with(request: ChatRequest, path: str, value: str) -> ChatRequest:
    """The request with the identifier at `path` set to `value`."""
    messages = list(request.messages)
    params = request.params
    if path == "messages[].tool_calls[].id":
        call = dataclasses.replace(messages[1].tool_calls[0], id=value)
        messages[1] = dataclasses.replace(messages[1], tool_calls=(call,))
    elif path == "messages[].tool_calls[].name":
        call = dataclasses.replace(messages[1].tool_calls[0], name=value)
        messages[1] = dataclasses.replace(messages[1], tool_calls=(call,))
    elif path == "messages[].tool_call_id":
        messages[2] = dataclasses.replace(messages[2], tool_call_id=value)
    elif path == "params.tools[].name":
        params = dataclasses.replace(
            params, tools=(dataclasses.replace(params.tools[0], name=value),), tool_choice=None
        )
    elif path == "params.tool_choice.name":
        params = dataclasses.replace(params, tool_choice=ToolChoice(ToolChoiceMode.FUNCTION, value))
    elif path == "params.response_format.name":
        assert params.response_format is not None
        params = dataclasses.replace(
            params, response_format=dataclasses.replace(params.response_format, name=value)
        )
    else:
        raise AssertionError(f"no way to set {path}")
    return dataclasses.replace(request, messages=messages, params=params)


@pytest.mark.parametrize("path", sorted(IDENTIFIER_FIELDS))
def test_identifiers_leave_no_room_for_free_text(path: str) -> None:
    check_content(_tool_request())
    with pytest.raises(InvalidArgument):
        check_content(_with(_tool_request(), path, "John Smith, 4111 1111 1111 1111"))


def test_strings_inside_json_are_checked_like_text() -> None:
    request = _tool_request()
    call = ToolCall("call_1", "lookup", '{"a": "\\u0000"}'.replace("\\\\", "\\"))
    bad = dataclasses.replace(
        request,
        messages=[*request.messages[:1], ChatMessage(Role.ASSISTANT, "", tool_calls=(call,))],
    )
    with pytest.raises(InvalidArgument, match="NUL"):
        check_content(bad)


def test_images_are_not_text() -> None:
    image = ImagePart("data:image/png;base64,iVBORw0KGgo=")
    request = ChatRequest(
        model="m",
        messages=[ChatMessage(Role.USER, "what is this?", images=(image,))],
        params=GenerationParams(),
        request_id="r",
    )
    assert outbound_texts(request) == ["what is this?"]
    messages, _ = with_texts(request, ["what is <THING_1>?"])
    assert messages[0].images == (image,)
