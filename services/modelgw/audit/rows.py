"""Translate audit records to table rows and back.

Set-valued fields (entity types, policy decisions) are stored as
`|A|B|` strings: one portable column that a `LIKE '%|A|%'` filter can match on
SQLite and Postgres alike, after the (tenant, started_at) index has narrowed
the rows to a tenant's day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from modelgw.audit.records import AuditRecord
from modelgw.common.message_json import (
    message_from_dict,
    message_to_dict,
    response_format_from_dict,
    response_format_to_dict,
    tool_call_from_dict,
    tool_call_to_dict,
    tool_choice_from_dict,
    tool_choice_to_dict,
    tool_from_dict,
    tool_to_dict,
)
from modelgw.common.messages import EntityFinding, TrustDecision

if TYPE_CHECKING:
    from sqlalchemy import RowMapping


def join_set(values: Iterable[str]) -> str:
    items = sorted(set(values))
    return "|" + "|".join(items) + "|" if items else ""


def split_set(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("|") if v)


def set_pattern(value: str) -> str:
    """The LIKE pattern matching rows whose set contains `value` (LIKE wildcards escaped)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%|{escaped}|%"


def _findings(items: Any) -> tuple[EntityFinding, ...]:
    return tuple(EntityFinding(**item) for item in items or ())


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _finding(f: EntityFinding) -> dict[str, Any]:
    return {"entity_type": f.entity_type, "count": f.count, "action": f.action}


def row_from_record(record: AuditRecord) -> dict[str, Any]:
    """The row content without chain fields and raw-content columns (the store adds those).

    Built field by field rather than with `dataclasses.asdict`, which deep-copies and
    costs ten times as much on the ingest hot path.
    """
    return {
        "request_id": record.request_id,
        "client_request_id": record.client_request_id,
        "tenant": record.tenant,
        "tenant_version": record.tenant_version,
        "api_key_id": record.api_key_id,
        "started_at": _aware(record.started_at),
        "finished_at": _aware(record.finished_at),
        "model": record.model,
        "status": record.status,
        "end_user": record.end_user,
        "session_id": record.session_id,
        "backend": record.backend,
        "provider_type": record.provider_type,
        "upstream_model": record.upstream_model,
        "locality": record.locality,
        "route_reason": record.route_reason,
        "masked_prompt": [message_to_dict(m) for m in record.masked_prompt],
        "masked_stop": list(record.masked_stop),
        "masked_response": record.masked_response,
        "decision": record.decision.value,
        "prompt_entities": [_finding(f) for f in record.prompt_entities],
        "response_entities": [_finding(f) for f in record.response_entities],
        # Floats stay floats so the hash of what we wrote equals the hash of what we read.
        "toxicity": None if record.toxicity is None else float(record.toxicity),
        "prompt_tokens": record.prompt_tokens,
        "completion_tokens": record.completion_tokens,
        "latency_ms": float(record.latency_ms),
        "error": record.error,
        "streamed": record.streamed,
        "trace_id": record.trace_id,
        "cost_usd": None if record.cost_usd is None else float(record.cost_usd),
        "cache_hit": record.cache_hit,
        "policy_decisions": join_set(record.policy_decisions),
        "entity_types": join_set(record.entity_types),
        "operation": record.operation,
        "masked_tools": [tool_to_dict(t) for t in record.masked_tools],
        "request_options": _request_options(record),
        "masked_tool_calls": [tool_call_to_dict(c) for c in record.masked_tool_calls],
    }


def _request_options(record: AuditRecord) -> dict[str, Any]:
    """Tool choice, parallel calls and response format: only those the request set."""
    options: dict[str, Any] = {}
    if record.tool_choice is not None:
        options["tool_choice"] = tool_choice_to_dict(record.tool_choice)
    if record.parallel_tool_calls is not None:
        options["parallel_tool_calls"] = record.parallel_tool_calls
    if record.response_format is not None:
        options["response_format"] = response_format_to_dict(record.response_format)
    return options


def record_from_row(row: RowMapping | Mapping[str, Any]) -> AuditRecord:
    data = dict(row)
    for name in ("id", "entity_types", "raw_key_id", "raw_ciphertext"):
        data.pop(name, None)
    data["masked_prompt"] = tuple(message_from_dict(m) for m in data["masked_prompt"])
    data["operation"] = data.get("operation") or "chat"
    data["masked_tools"] = tuple(tool_from_dict(t) for t in data.get("masked_tools") or ())
    data["masked_tool_calls"] = tuple(
        tool_call_from_dict(c) for c in data.get("masked_tool_calls") or ()
    )
    options = data.pop("request_options", None) or {}
    choice, response_format = options.get("tool_choice"), options.get("response_format")
    data["tool_choice"] = tool_choice_from_dict(choice) if choice else None
    data["parallel_tool_calls"] = options.get("parallel_tool_calls")
    data["response_format"] = (
        response_format_from_dict(response_format) if response_format else None
    )
    data["masked_stop"] = tuple(data.get("masked_stop") or ())
    data["prompt_entities"] = _findings(data["prompt_entities"])
    data["response_entities"] = _findings(data["response_entities"])
    data["decision"] = TrustDecision(data["decision"])
    data["policy_decisions"] = split_set(data["policy_decisions"])
    data["started_at"] = _aware(data["started_at"])
    data["finished_at"] = _aware(data["finished_at"])
    return AuditRecord(**data)


_NOT_CONTENT = ("seq", "prev_hash", "record_hash")


def content_fingerprint(record: AuditRecord) -> str:
    """What a record says, without where the chain put it or how raw content was sealed:
    equal for a record and its re-delivery, different for another record under its id."""
    row = row_from_record(record)
    for name in _NOT_CONTENT:
        row.pop(name, None)
    return json.dumps(row, sort_keys=True, default=str, separators=(",", ":"))
