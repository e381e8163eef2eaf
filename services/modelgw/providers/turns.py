"""Conversation shapes shared by providers that keep the system prompt apart.

Anthropic, Bedrock and Gemini take the system prompt as its own field and
want user and assistant turns to alternate; several system messages are
joined, and consecutive turns of one role are merged rather than rejected.
With tool calls, images or tool results, turns are lists of the provider's
content blocks (`split_blocks`); plain text conversations keep `split_system`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from modelgw.common.messages import ChatMessage, Role


@dataclass(frozen=True, slots=True)
class Conversation:
    system: str | None
    turns: list[tuple[Role, str]]
    """Alternating (role, text), role USER or ASSISTANT."""


def split_system(messages: list[ChatMessage]) -> Conversation:
    system = [m.content for m in messages if m.role is Role.SYSTEM]
    turns: list[tuple[Role, str]] = []
    for message in messages:
        if message.role is Role.SYSTEM:
            continue
        if turns and turns[-1][0] is message.role:
            turns[-1] = (message.role, turns[-1][1] + "\n\n" + message.content)
        else:
            turns.append((message.role, message.content))
    return Conversation("\n\n".join(system) if system else None, turns)


@dataclass(frozen=True, slots=True)
class BlockConversation:
    system: str | None
    turns: list[tuple[Role, list[Any]]]
    """Alternating (role, content blocks), role USER or ASSISTANT."""


def split_blocks(
    messages: list[ChatMessage],
    blocks: Callable[[ChatMessage], list[Any]],
    is_result: Callable[[Any], bool],
) -> BlockConversation:
    """The conversation as alternating turns of provider content blocks (Anthropic, Bedrock,
    Gemini): `tool` results belong to the user's turn, and come first in it (where those
    providers look for the answers to the calls of the turn before); consecutive messages
    of one side share a turn."""
    system = [m.content for m in messages if m.role is Role.SYSTEM]
    turns: list[tuple[Role, list[Any]]] = []
    for message in messages:
        if message.role is Role.SYSTEM:
            continue
        role = Role.ASSISTANT if message.role is Role.ASSISTANT else Role.USER
        items = blocks(message)
        if turns and turns[-1][0] is role:
            turns[-1][1].extend(items)
        else:
            turns.append((role, list(items)))
    for role, items in turns:
        if role is Role.USER:
            items.sort(key=lambda block: not is_result(block))  # stable: results first
    return BlockConversation("\n\n".join(system) if system else None, turns)


def tool_names(messages: list[ChatMessage]) -> dict[str, str]:
    """Call id → function name, from the assistant calls of the history (Gemini answers a
    call by name, not by id)."""
    return {call.id: call.name for m in messages for call in m.tool_calls}


def data_url_parts(url: str) -> tuple[str, str]:
    """(media type, base64 data) of a `data:image/...;base64,` URL (checked at the edge)."""
    head, _, data = url.partition(",")
    return head.removeprefix("data:").split(";")[0], data
