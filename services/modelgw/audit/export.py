"""Render audit records as JSONL or CSV for export: masked fields only, one line per record."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from modelgw.audit.records import AuditRecord
from modelgw.common.message_json import message_to_dict, tool_call_to_dict, tool_to_dict

CSV_COLUMNS = (
    "request_id",
    "client_request_id",
    "tenant",
    "tenant_version",
    "seq",
    "started_at",
    "finished_at",
    "api_key_id",
    "end_user",
    "session_id",
    "model",
    "backend",
    "provider_type",
    "upstream_model",
    "locality",
    "decision",
    "policy_decisions",
    "entity_types",
    "toxicity",
    "prompt_tokens",
    "completion_tokens",
    "latency_ms",
    "cost_usd",
    "cache_hit",
    "status",
    "error",
    "streamed",
    "trace_id",
    "record_hash",
)


def as_dict(record: AuditRecord) -> dict[str, Any]:
    return {
        "request_id": record.request_id,
        "client_request_id": record.client_request_id,
        "tenant": record.tenant,
        "tenant_version": record.tenant_version,
        "seq": record.seq,
        "started_at": record.started_at.isoformat(),
        "finished_at": record.finished_at.isoformat(),
        "api_key_id": record.api_key_id,
        "end_user": record.end_user,
        "session_id": record.session_id,
        "model": record.model,
        "backend": record.backend,
        "provider_type": record.provider_type,
        "upstream_model": record.upstream_model,
        "locality": record.locality,
        "route_reason": record.route_reason,
        "operation": record.operation,
        "masked_prompt": [message_to_dict(m) for m in record.masked_prompt],
        "masked_tools": [tool_to_dict(t) for t in record.masked_tools],
        "masked_tool_calls": [tool_call_to_dict(c) for c in record.masked_tool_calls],
        "masked_stop": list(record.masked_stop),
        "masked_response": record.masked_response,
        "decision": record.decision.value,
        "policy_decisions": list(record.policy_decisions),
        "entity_types": list(record.entity_types),
        "prompt_entities": [
            {"entity_type": f.entity_type, "count": f.count, "action": f.action}
            for f in record.prompt_entities
        ],
        "response_entities": [
            {"entity_type": f.entity_type, "count": f.count, "action": f.action}
            for f in record.response_entities
        ],
        "toxicity": record.toxicity,
        "prompt_tokens": record.prompt_tokens,
        "completion_tokens": record.completion_tokens,
        "latency_ms": record.latency_ms,
        "cost_usd": record.cost_usd,
        "cache_hit": record.cache_hit,
        "status": record.status,
        "error": record.error,
        "streamed": record.streamed,
        "trace_id": record.trace_id,
        "prev_hash": record.prev_hash,
        "record_hash": record.record_hash,
    }


def jsonl(records: Sequence[AuditRecord]) -> bytes:
    return "".join(json.dumps(as_dict(r), ensure_ascii=False) + "\n" for r in records).encode()


def csv_header() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(CSV_COLUMNS)
    return buffer.getvalue().encode()


def csv_rows(records: Sequence[AuditRecord]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for record in records:
        data = as_dict(record)
        data["policy_decisions"] = "|".join(data["policy_decisions"])
        data["entity_types"] = "|".join(data["entity_types"])
        writer.writerow(["" if data[c] is None else data[c] for c in CSV_COLUMNS])
    return buffer.getvalue().encode()
