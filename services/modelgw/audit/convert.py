"""Audit records ⇄ protobuf."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from modelgw.api.v1 import audit_pb2, common_pb2
from modelgw.audit.records import AuditRecord
from modelgw.common.config.providers import Locality
from modelgw.common.convert import (
    findings_from_pb,
    locality_from_pb,
    locality_to_pb,
    messages_from_pb,
    messages_to_pb,
    response_format_from_pb,
    response_format_to_pb,
    summary_from_pb,
    summary_to_pb,
    tool_calls_from_pb,
    tool_calls_to_pb,
    tool_choice_from_pb,
    tool_choice_to_pb,
    tools_from_pb,
    tools_to_pb,
)
from modelgw.common.messages import TrustSummary


def _timestamp(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def record_to_pb(record: AuditRecord, *, with_sealed_raw: bool = True) -> audit_pb2.AuditRecord:
    """`with_sealed_raw=False` for compliance reads: the sealed original never leaves the store."""
    trust = summary_to_pb(
        TrustSummary(
            record.decision, record.prompt_entities, record.response_entities, record.toxicity
        )
    )
    return audit_pb2.AuditRecord(
        request_id=record.request_id,
        tenant=record.tenant,
        api_key_id=record.api_key_id,
        end_user=record.end_user,
        session_id=record.session_id,
        started_at=_timestamp(record.started_at),
        finished_at=_timestamp(record.finished_at),
        model=record.model,
        route=common_pb2.RouteInfo(
            backend=record.backend,
            provider_type=record.provider_type,
            upstream_model=record.upstream_model,
            locality=(
                locality_to_pb(Locality(record.locality))
                if record.locality
                else common_pb2.LOCALITY_UNSPECIFIED
            ),
            reason=record.route_reason,
        ),
        masked_prompt=messages_to_pb(record.masked_prompt),
        masked_response=record.masked_response,
        trust=trust,
        usage=common_pb2.Usage(
            prompt_tokens=record.prompt_tokens, completion_tokens=record.completion_tokens
        ),
        latency_ms=record.latency_ms,
        status=record.status,
        error=record.error,
        streamed=record.streamed,
        trace_id=record.trace_id,
        cost_usd=record.cost_usd,
        cache_hit=record.cache_hit,
        policy_decisions=list(record.policy_decisions),
        sealed_raw=record.sealed_raw if with_sealed_raw else b"",
        seq=record.seq,
        prev_hash=record.prev_hash,
        record_hash=record.record_hash,
        client_request_id=record.client_request_id,
        tenant_version=record.tenant_version,
        masked_stop=list(record.masked_stop),
        operation=record.operation,
        masked_tools=tools_to_pb(record.masked_tools),
        tool_choice=tool_choice_to_pb(record.tool_choice) if record.tool_choice else None,
        parallel_tool_calls=record.parallel_tool_calls,
        response_format=(
            response_format_to_pb(record.response_format) if record.response_format else None
        ),
        masked_tool_calls=tool_calls_to_pb(record.masked_tool_calls),
    )


def record_from_pb(message: audit_pb2.AuditRecord) -> AuditRecord:
    summary = summary_from_pb(message.trust)
    return AuditRecord(
        request_id=message.request_id,
        client_request_id=message.client_request_id,
        tenant=message.tenant,
        tenant_version=message.tenant_version or 1,
        api_key_id=message.api_key_id,
        end_user=message.end_user,
        session_id=message.session_id,
        started_at=message.started_at.ToDatetime(tzinfo=UTC),
        finished_at=message.finished_at.ToDatetime(tzinfo=UTC),
        model=message.model,
        backend=message.route.backend,
        provider_type=message.route.provider_type,
        upstream_model=message.route.upstream_model,
        locality=locality_from_pb(message.route.locality).value if message.route.locality else "",
        route_reason=message.route.reason,
        masked_prompt=tuple(messages_from_pb(message.masked_prompt)),
        masked_stop=tuple(message.masked_stop),
        masked_response=message.masked_response,
        decision=summary.decision,
        prompt_entities=findings_from_pb(message.trust.prompt_entities),
        response_entities=findings_from_pb(message.trust.response_entities),
        toxicity=summary.toxicity,
        prompt_tokens=message.usage.prompt_tokens,
        completion_tokens=message.usage.completion_tokens,
        latency_ms=message.latency_ms,
        status=message.status,
        error=message.error,
        streamed=message.streamed,
        trace_id=message.trace_id,
        cost_usd=message.cost_usd if message.HasField("cost_usd") else None,
        cache_hit=message.cache_hit,
        policy_decisions=tuple(sorted(message.policy_decisions)),
        sealed_raw=message.sealed_raw,
        seq=message.seq,
        prev_hash=message.prev_hash,
        record_hash=message.record_hash,
        operation=message.operation or "chat",
        masked_tools=tools_from_pb(message.masked_tools),
        tool_choice=(
            tool_choice_from_pb(message.tool_choice) if message.HasField("tool_choice") else None
        ),
        parallel_tool_calls=(
            message.parallel_tool_calls if message.HasField("parallel_tool_calls") else None
        ),
        response_format=(
            response_format_from_pb(message.response_format)
            if message.HasField("response_format")
            else None
        ),
        masked_tool_calls=tool_calls_from_pb(message.masked_tool_calls),
    )
