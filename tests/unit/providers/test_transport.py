"""The shared framing and error pieces, on the edge cases a network produces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from modelgw.common.config.provider_fields import TokenPrice
from modelgw.common.config.providers import EchoProvider
from modelgw.common.messages import Usage
from modelgw.providers.pricing import request_cost
from modelgw.providers.transport.errors import retry_after_seconds
from modelgw.providers.transport.eventstream import EventStreamDecoder, EventStreamError
from modelgw.providers.transport.sse import SseDecoder
from tests.fakes import aws_frames


def _feed_bytewise(decoder: SseDecoder, data: bytes) -> list:
    events = []
    for i in range(len(data)):
        events += decoder.feed(data[i : i + 1])
    return events + decoder.finish()


def test_sse_survives_any_split_of_lines_and_characters() -> None:
    data = (
        "event: a\r\ndata: h\u00e9llo\r\ndata: w\u00f6rld\r\n\r\n: comment\n\ndata:x\r\rdata: y\n\n"
    )
    events = _feed_bytewise(SseDecoder(), data.encode())
    assert [(e.event, e.data) for e in events] == [
        ("a", "h\u00e9llo\nw\u00f6rld"),
        ("message", "x"),
        ("message", "y"),
    ]


def test_sse_drops_an_event_cut_off_by_the_end_of_the_body() -> None:
    decoder = SseDecoder()
    assert decoder.feed(b'data: {"a": 1}\n\ndata: {"b"') != []
    assert decoder.finish() == []


def test_event_stream_reassembles_frames_split_anywhere() -> None:
    frames = aws_frames.event("PayloadPart", b"one") + aws_frames.event("PayloadPart", b"two")
    decoder = EventStreamDecoder()
    got = []
    for i in range(0, len(frames), 5):
        got += decoder.feed(frames[i : i + 5])
    assert [(f.event_type, f.payload) for f in got] == [
        ("PayloadPart", b"one"),
        ("PayloadPart", b"two"),
    ]
    assert not decoder.pending()


def test_event_stream_rejects_a_corrupt_frame() -> None:
    frame = bytearray(aws_frames.event("contentBlockDelta", b'{"delta": {"text": "hi"}}'))
    frame[-6] ^= 0x01  # flip a payload bit: the message CRC no longer matches
    with pytest.raises(EventStreamError):
        EventStreamDecoder().feed(bytes(frame))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"Retry-After": "7"}, 7.0),
        ({"x-ratelimit-reset-requests": "6m0s"}, 360.0),
        ({"x-ratelimit-reset-tokens": "20ms"}, 0.02),
        ({"x-ratelimit-reset-requests": "1h2m3.5s"}, 3723.5),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_from_each_providers_headers(headers: dict, expected: float | None) -> None:
    got = retry_after_seconds(headers)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_retry_after_as_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    got = retry_after_seconds({"retry-after": format_datetime(when, usegmt=True)})
    assert got is not None and 27 <= got <= 31


def test_cost_from_price_table() -> None:
    provider = EchoProvider(
        type="echo",
        prices={
            "big": TokenPrice(input_per_million=3, output_per_million=15),
            "*": TokenPrice(input_per_million=1, output_per_million=2),
        },
    )
    assert request_cost(provider, "big", Usage(1000, 2000)) == pytest.approx(0.033)
    assert request_cost(provider, "other", Usage(1_000_000, 0)) == pytest.approx(1.0)
    assert request_cost(EchoProvider(type="echo"), "big", Usage(5, 5)) is None
    assert request_cost(None, "big", Usage(5, 5)) is None
