"""Incremental server-sent-events decoding (the WHATWG event-stream rules).

Fed raw bytes as they arrive, in pieces of any size: a multi-byte character
or a line may be split across reads (and across SageMaker payload parts).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str
    """The `event:` field; `message` when absent."""
    data: str


class SseDecoder:
    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self._buffer = ""
        self._event = ""
        self._data: list[str] = []

    def feed(self, data: bytes) -> list[SseEvent]:
        self._buffer += self._text.decode(data)
        events: list[SseEvent] = []
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                return events
            end, width = cut
            line = self._buffer[:end]
            self._buffer = self._buffer[end + width :]
            event = self._line(line)
            if event is not None:
                events.append(event)

    def finish(self) -> list[SseEvent]:
        """End of stream: an event without its closing blank line is discarded, as the spec says.

        A cut-off event is a truncated answer, which the caller must notice (the
        provider decoders check for their end marker), not a half-parsed message.
        """
        self._text.decode(b"", final=True)
        self._buffer, self._event, self._data = "", "", []
        return []

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            if not self._data:
                self._event = ""
                return None
            event = SseEvent(self._event or "message", "\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None


def _line_end(buffer: str) -> tuple[int, int] | None:
    """Index and width of the first line terminator (CRLF, LF or CR) in `buffer`."""
    for i, ch in enumerate(buffer):
        if ch == "\n":
            return i, 1
        if ch == "\r":
            if i + 1 == len(buffer):
                return None  # may be the first half of CRLF: wait for more
            return (i, 2) if buffer[i + 1] == "\n" else (i, 1)
    return None
