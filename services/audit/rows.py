"""Translate audit records to table rows and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from modelgw.audit.records import AuditRecord
from modelgw.common.messages import ChatMessage, EntityFinding, Role, TrustDecision


def _findings(items: Any) -> tuple[EntityFinding, ...]:
    return tuple(EntityFinding(**item) for item in items or ())


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def row_from_record(record: AuditRecord) -> dict[str, Any]:
    row = asdict(record)
    row["masked_prompt"] = [
        {"role": m.role.value, "content": m.content} for m in record.masked_prompt
    ]
    row["prompt_entities"] = [asdict(f) for f in record.prompt_entities]
    row["response_entities"] = [asdict(f) for f in record.response_entities]
    row["decision"] = record.decision.value
    return row


def record_from_row(row: Mapping[str, Any]) -> AuditRecord:
    data = dict(row)
    data.pop("id", None)
    data["masked_prompt"] = tuple(
        ChatMessage(Role(m["role"]), m["content"]) for m in data["masked_prompt"]
    )
    data["prompt_entities"] = _findings(data["prompt_entities"])
    data["response_entities"] = _findings(data["response_entities"])
    data["decision"] = TrustDecision(data["decision"])
    data["started_at"] = _aware(data["started_at"])
    data["finished_at"] = _aware(data["finished_at"])
    return AuditRecord(**data)
