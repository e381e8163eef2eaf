"""Every free-text field a backend receives is listed in `modelgw.gateway.outbound` (#12, 3).

`stop` strings once reached the upstream raw while the messages beside them were
masked: nothing said they were text that leaves. These tests walk the request
types, so a field added to them without a decision fails here.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from modelgw.common.messages import CallerMetadata, ChatMessage, GenerationParams, Role
from modelgw.gateway.chat import ChatRequest
from modelgw.gateway.outbound import (
    NOT_SENT_FIELDS,
    OUTBOUND_FIELDS,
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


def test_every_text_field_of_a_chat_request_is_classified() -> None:
    found = _text_paths(ChatRequest)
    listed = set(OUTBOUND_FIELDS) | set(NOT_SENT_FIELDS)
    assert found - listed == set(), "new text fields: list them in gateway/outbound.py"
    assert listed - found == set(), "gateway/outbound.py lists fields that no longer exist"
    assert not set(OUTBOUND_FIELDS) & set(NOT_SENT_FIELDS)


def test_a_backend_request_carries_only_outbound_text() -> None:
    """What reaches a backend: its model name, the gateway's request id, and outbound text."""
    names = {"model", "request_id"}
    found = _text_paths(BackendRequest)
    assert found - names <= set(OUTBOUND_FIELDS), found - names - set(OUTBOUND_FIELDS)


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
