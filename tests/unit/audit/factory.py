"""Audit records for tests: realistic, masked, with distinct request ids."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from modelgw.audit.records import AuditRecord
from modelgw.common.messages import ChatMessage, EntityFinding, Role, TrustDecision

_counter = itertools.count(1)
BASE_TIME = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def make_record(tenant: str = "acme", **overrides: Any) -> AuditRecord:
    n = next(_counter)
    started = overrides.pop("started_at", BASE_TIME + timedelta(seconds=n))
    fields: dict[str, Any] = {
        "request_id": f"req-{n:06d}",
        "tenant": tenant,
        "api_key_id": "svc",
        "started_at": started,
        "finished_at": started + timedelta(milliseconds=120),
        "model": "echo",
        "status": "OK",
        "end_user": "agent-7",
        "backend": "echo",
        "provider_type": "echo",
        "upstream_model": "echo",
        "locality": "local",
        "masked_prompt": (ChatMessage(Role.USER, "Write to <EMAIL_ADDRESS_1> today"),),
        "masked_response": "Done: <EMAIL_ADDRESS_1>",
        "decision": TrustDecision.MASKED,
        "prompt_entities": (EntityFinding("EMAIL_ADDRESS", 1, "mask"),),
        "policy_decisions": ("masked", "routed_local"),
        "prompt_tokens": 12,
        "completion_tokens": 5,
        "latency_ms": 120.5,
        "cost_usd": 0.00042,
    }
    fields.update(overrides)
    return AuditRecord(**fields)
