"""Translate between protobuf messages and domain types, in one place for every service."""

from __future__ import annotations

from collections.abc import Iterable

from modelgw.api.v1 import common_pb2 as pb
from modelgw.common.config.providers import Locality
from modelgw.common.config.tenants import EntityAction
from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import (
    CallerMetadata,
    ChatMessage,
    EntityFinding,
    FinishReason,
    GenerationParams,
    Role,
    TrustDecision,
    TrustSummary,
    Usage,
)

_ROLE_TO_PB = {
    Role.SYSTEM: pb.ROLE_SYSTEM,
    Role.USER: pb.ROLE_USER,
    Role.ASSISTANT: pb.ROLE_ASSISTANT,
}
_ROLE_FROM_PB = {v: k for k, v in _ROLE_TO_PB.items()}
_FINISH_TO_PB = {
    FinishReason.STOP: pb.FINISH_REASON_STOP,
    FinishReason.LENGTH: pb.FINISH_REASON_LENGTH,
    FinishReason.CONTENT_FILTER: pb.FINISH_REASON_CONTENT_FILTER,
}
_DECISION_TO_PB = {
    TrustDecision.CLEAN: pb.TRUST_DECISION_CLEAN,
    TrustDecision.MASKED: pb.TRUST_DECISION_MASKED,
    TrustDecision.ALLOWED: pb.TRUST_DECISION_ALLOWED,
    TrustDecision.BLOCKED: pb.TRUST_DECISION_BLOCKED,
    TrustDecision.FAIL_OPEN: pb.TRUST_DECISION_FAIL_OPEN,
}
_DECISION_FROM_PB = {v: k for k, v in _DECISION_TO_PB.items()}
_ACTION_TO_PB = {
    EntityAction.MASK: pb.ENTITY_ACTION_MASK,
    EntityAction.REDACT: pb.ENTITY_ACTION_REDACT,
    EntityAction.BLOCK: pb.ENTITY_ACTION_BLOCK,
    EntityAction.ALLOW: pb.ENTITY_ACTION_ALLOW,
}
_ACTION_FROM_PB = {v: k for k, v in _ACTION_TO_PB.items()}
_LOCALITY_TO_PB = {Locality.LOCAL: pb.LOCALITY_LOCAL, Locality.EXTERNAL: pb.LOCALITY_EXTERNAL}
_LOCALITY_FROM_PB = {v: k for k, v in _LOCALITY_TO_PB.items()}


def messages_from_pb(messages: Iterable[pb.ChatMessage]) -> list[ChatMessage]:
    result = []
    for i, m in enumerate(messages):
        role = _ROLE_FROM_PB.get(m.role)
        if role is None:
            raise InvalidArgument(
                f"messages[{i}].role must be ROLE_SYSTEM, ROLE_USER or ROLE_ASSISTANT"
            )
        result.append(ChatMessage(role, m.content))
    return result


def messages_to_pb(messages: list[ChatMessage] | tuple[ChatMessage, ...]) -> list[pb.ChatMessage]:
    return [pb.ChatMessage(role=_ROLE_TO_PB[m.role], content=m.content) for m in messages]


def params_from_pb(params: pb.GenerationParams) -> GenerationParams:
    has = params.HasField
    return GenerationParams(
        max_tokens=params.max_tokens if has("max_tokens") else None,
        temperature=params.temperature if has("temperature") else None,
        top_p=params.top_p if has("top_p") else None,
        stop=tuple(params.stop),
        seed=params.seed if has("seed") else None,
        presence_penalty=params.presence_penalty if has("presence_penalty") else None,
        frequency_penalty=params.frequency_penalty if has("frequency_penalty") else None,
    )


def caller_from_pb(caller: pb.CallerMetadata) -> CallerMetadata:
    return CallerMetadata(caller.end_user, caller.session_id, dict(caller.labels))


def finish_reason_to_pb(reason: FinishReason | None) -> pb.FinishReason:
    if not reason:
        return pb.FINISH_REASON_UNSPECIFIED
    return _FINISH_TO_PB.get(reason, pb.FINISH_REASON_UNSPECIFIED)


def usage_to_pb(usage: Usage) -> pb.Usage:
    return pb.Usage(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens)


def findings_to_pb(findings: tuple[EntityFinding, ...]) -> list[pb.EntityFinding]:
    return [
        pb.EntityFinding(
            entity_type=f.entity_type, count=f.count, action=_ACTION_TO_PB[EntityAction(f.action)]
        )
        for f in findings
    ]


def findings_from_pb(findings: Iterable[pb.EntityFinding]) -> tuple[EntityFinding, ...]:
    return tuple(
        EntityFinding(f.entity_type, f.count, _ACTION_FROM_PB[f.action].value) for f in findings
    )


def summary_to_pb(summary: TrustSummary) -> pb.TrustSummary:
    message = pb.TrustSummary(
        decision=_DECISION_TO_PB[summary.decision],
        prompt_entities=findings_to_pb(summary.prompt_entities),
        response_entities=findings_to_pb(summary.response_entities),
    )
    if summary.toxicity is not None:
        message.toxicity = summary.toxicity
    return message


def summary_from_pb(summary: pb.TrustSummary) -> TrustSummary:
    return TrustSummary(
        decision=_DECISION_FROM_PB.get(summary.decision, TrustDecision.CLEAN),
        prompt_entities=findings_from_pb(summary.prompt_entities),
        response_entities=findings_from_pb(summary.response_entities),
        toxicity=summary.toxicity if summary.HasField("toxicity") else None,
    )


def locality_to_pb(locality: Locality) -> pb.Locality:
    return _LOCALITY_TO_PB[locality]


def locality_from_pb(value: pb.Locality) -> Locality:
    locality = _LOCALITY_FROM_PB.get(value)
    if locality is None:
        raise InvalidArgument("destination must be LOCALITY_LOCAL or LOCALITY_EXTERNAL")
    return locality
