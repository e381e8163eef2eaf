"""The hash chain: each record's hash covers its content and the hash of the record before it.

The canonical form is JSON of every stored column (in sorted order) except
the row id and the hash itself, with timestamps normalised to UTC ISO 8601 and
bytes as hex. It is computed from the row as written and again from the row
as read back, so both sides must go through `canonical_bytes`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from modelgw.audit.tables import audit_records

GENESIS_HASH = "0" * 64
"""The `prev_hash` of the first record of every tenant's chain."""

_DOMAIN = b"modelgw-audit-record/v1\n"
_NOT_HASHED = frozenset({"id", "record_hash"})


def _canonical_value(value: Any) -> Any:
    """JSON form of the values json cannot encode itself (called only for those)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    raise TypeError(f"cannot hash a {type(value).__name__} column value")


_ENCODE = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, default=_canonical_value
).encode
HASHED_COLUMNS = tuple(sorted(c.name for c in audit_records.columns if c.name not in _NOT_HASHED))
"""Every column but the row id and the hash itself, in a fixed (sorted) order."""


_ADDED_LATER: dict[str, Any] = {
    "client_request_id": "",
    "tenant_version": 1,
    "masked_stop": [],
    # migration 0005: tools, structured output, embeddings
    "operation": "chat",
    "masked_tools": [],
    "request_options": {},
    "masked_tool_calls": [],
}
"""Columns added after the chain format was fixed, with their defaults. At its default
such a column is left out of the canonical form, so records stored before it existed
(read back with the default) hash as they did; any other value is hashed."""


def canonical_bytes(row: Mapping[str, Any]) -> bytes:
    return _ENCODE(
        {
            name: row[name]
            for name in HASHED_COLUMNS
            if name not in _ADDED_LATER or row[name] != _ADDED_LATER[name]
        }
    ).encode()


def record_hash(row: Mapping[str, Any]) -> str:
    """The hash of a row that already carries its `seq` and `prev_hash`."""
    return hashlib.sha256(_DOMAIN + canonical_bytes(row)).hexdigest()
