"""The answer's tool calls on their way to the caller: placeholders restored, call by call.

A model asks for a function with arguments it wrote from the masked prompt,
so they hold placeholders; the caller's function must get the real values,
and the provider never saw them. Each call (by its index in the answer) has
its own `StreamRestorer`, so a placeholder split across argument deltas is
restored whole and calls streamed side by side do not mix. Restored values
are escaped for a JSON string (`escape_in_string`): a value holding a quote
or a backslash still gives valid JSON arguments.

Tool-call arguments are restored, not scanned for new personal data: they
go to the caller's own function, and the audit record keeps them as the
model wrote them (`masked`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from modelgw.common.tools import ToolCall, ToolCallDelta
from modelgw.gateway.chat import StreamToolCall
from modelgw.gateway.json_texts import escape_in_string
from modelgw.trust.restore import StreamRestorer
from modelgw.trust.vault import Vault


@dataclass(slots=True)
class _Call:
    restorer: StreamRestorer
    id: str = ""
    name: str = ""
    announced: bool = False
    unsent: str = ""
    """Restored text of a call not yet announced (no id or name seen yet)."""
    masked: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


class ToolCallRelay:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self._calls: dict[int, _Call] = {}

    def feed(self, deltas: Iterable[ToolCallDelta]) -> list[StreamToolCall]:
        """The restored pieces to send now (the first one of a call names it)."""
        out: list[StreamToolCall] = []
        for delta in deltas:
            call = self._calls.get(delta.index)
            if call is None:
                call = self._calls[delta.index] = _Call(
                    StreamRestorer(self._vault, escape_in_string)
                )
            call.id = call.id or delta.id
            call.name = call.name or delta.name
            call.masked.append(delta.arguments)
            restored = call.restorer.feed(delta.arguments) if delta.arguments else ""
            call.restored.append(restored)
            if not call.announced:
                call.unsent += restored
                if call.id or call.name:
                    call.announced = True
                    out.append(StreamToolCall(delta.index, call.id, call.name, call.unsent))
                    call.unsent = ""
            elif restored:
                out.append(StreamToolCall(delta.index, arguments=restored))
        return out

    def finish(self) -> list[StreamToolCall]:
        """What the restorers still held back, once the answer is over."""
        out: list[StreamToolCall] = []
        for index, call in sorted(self._calls.items()):
            tail = call.restorer.finish()
            call.restored.append(tail)
            if not call.announced:
                call.announced = True
                out.append(StreamToolCall(index, call.id, call.name, call.unsent + tail))
            elif tail:
                out.append(StreamToolCall(index, arguments=tail))
        return out

    def masked(self) -> tuple[ToolCall, ...]:
        """The calls as the model wrote them (placeholders): what the audit record keeps."""
        return tuple(
            ToolCall(c.id, c.name, "".join(c.masked)) for _, c in sorted(self._calls.items())
        )

    def restored(self) -> tuple[ToolCall, ...]:
        """The calls as the caller got them (original values)."""
        return tuple(
            ToolCall(c.id, c.name, "".join(c.restored)) for _, c in sorted(self._calls.items())
        )


class ToolCallCollector:
    """Joins the pieces of a streamed answer's tool calls into whole calls (unary answers)."""

    def __init__(self) -> None:
        self._calls: dict[int, list[str]] = {}

    def add(self, event: StreamToolCall) -> None:
        parts = self._calls.setdefault(event.index, ["", "", ""])
        parts[0] = parts[0] or event.id
        parts[1] = parts[1] or event.name
        parts[2] += event.arguments

    def calls(self) -> tuple[ToolCall, ...]:
        return tuple(ToolCall(*parts) for _, parts in sorted(self._calls.items()))
