"""AWS event-stream framing (`application/vnd.amazon.eventstream`), decoded by botocore.

Bedrock's ConverseStream and SageMaker's response stream send binary frames:
a prelude with lengths and its CRC32, typed headers (`:message-type`,
`:event-type`, `:exception-type`), a payload and a CRC32 of the whole frame.
botocore's parser validates both checksums; a corrupt frame is an error,
never silently skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.eventstream import EventStreamBuffer, ParserError


@dataclass(frozen=True, slots=True)
class EventFrame:
    headers: dict[str, object]
    payload: bytes

    @property
    def message_type(self) -> str:
        return str(self.headers.get(":message-type", "event"))

    @property
    def event_type(self) -> str:
        return str(self.headers.get(":event-type", ""))

    @property
    def exception_type(self) -> str:
        return str(self.headers.get(":exception-type", "") or self.headers.get(":error-code", ""))


class EventStreamError(ValueError):
    """A frame failed its checksum or length checks."""


class EventStreamDecoder:
    def __init__(self) -> None:
        self._buffer = EventStreamBuffer()

    def feed(self, data: bytes) -> list[EventFrame]:
        self._buffer.add_data(data)
        frames: list[EventFrame] = []
        try:
            for message in self._buffer:
                headers = dict(message.headers)  # type: ignore[call-overload]  # botocore-stubs say int; it is a dict
                frames.append(EventFrame(headers, bytes(message.payload)))
        except ParserError as exc:
            raise EventStreamError(str(exc)) from exc
        return frames

    def pending(self) -> bool:
        """Whether bytes of an incomplete frame are still buffered."""
        return bool(self._buffer._data)  # type: ignore[attr-defined]  # private: botocore keeps the unparsed rest here
