"""Checks on a compliance request before any of it reaches the database.

What the database cannot take is the caller's error, not the service's: a NUL
in a filter (Postgres refuses it in text), a time outside what a timestamp
column holds, a sequence number past `bigint`, a page token this service did
not issue. Each is refused with INVALID_ARGUMENT and a message that says what
to send instead, never left to become INTERNAL deep in a query.
"""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from modelgw.common.errors import InvalidArgument

MAX_FILTER_CHARS = 256
"""Longest filter value; every filtered column is at most this wide."""
MAX_SEQ = 2**63 - 1
"""A chain position is a Postgres `bigint`."""
_FIRST = datetime(1, 1, 1, tzinfo=UTC)
_LAST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def filter_text(name: str, value: str) -> str:
    """A string filter as given (empty means "no filter"), or INVALID_ARGUMENT."""
    if len(value) > MAX_FILTER_CHARS:
        raise InvalidArgument(f"{name} must be at most {MAX_FILTER_CHARS} characters")
    if "\x00" in value:
        raise InvalidArgument(f"{name} contains a NUL character (U+0000); remove it")
    return value


def instant(name: str, stamp: Timestamp) -> datetime:
    """A protobuf timestamp as an aware datetime, within years 1-9999."""
    if not 0 <= stamp.nanos <= 999_999_999:
        raise InvalidArgument(f"{name}.nanos must be 0-999999999")
    try:
        value = stamp.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        value = None
    if value is None or not _FIRST <= value <= _LAST:
        raise InvalidArgument(
            f"{name} must be a time between 0001-01-01 and 9999-12-31 UTC "
            f"(got {stamp.seconds} seconds since 1970)"
        )
    return value


def seq_bound(name: str, value: int) -> int | None:
    """A chain position from a request (0: no bound), at most `MAX_SEQ`."""
    if value > MAX_SEQ:
        raise InvalidArgument(f"{name} must be at most {MAX_SEQ} (0 means no bound)")
    return value or None
