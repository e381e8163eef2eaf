"""Conversation shapes shared by providers that keep the system prompt apart.

Anthropic, Bedrock and Gemini take the system prompt as its own field and
want user and assistant turns to alternate; several system messages are
joined, and consecutive turns of one role are merged rather than rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

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
