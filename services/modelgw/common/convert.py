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
    ImageDetail,
    ImagePart,
    Role,
    TrustDecision,
    TrustSummary,
    Usage,
)
from modelgw.common.tools import (
    ResponseFormat,
    ResponseFormatType,
    ToolCall,
    ToolChoice,
    ToolChoiceMode,
    ToolDefinition,
)

_ROLE_TO_PB = {
    Role.SYSTEM: pb.ROLE_SYSTEM,
    Role.USER: pb.ROLE_USER,
    Role.ASSISTANT: pb.ROLE_ASSISTANT,
    Role.TOOL: pb.ROLE_TOOL,
}
_ROLE_FROM_PB = {v: k for k, v in _ROLE_TO_PB.items()}
_FINISH_TO_PB = {
    FinishReason.STOP: pb.FINISH_REASON_STOP,
    FinishReason.LENGTH: pb.FINISH_REASON_LENGTH,
    FinishReason.CONTENT_FILTER: pb.FINISH_REASON_CONTENT_FILTER,
    FinishReason.TOOL_CALLS: pb.FINISH_REASON_TOOL_CALLS,
}
_DETAIL_TO_PB = {
    ImageDetail.AUTO: pb.IMAGE_DETAIL_AUTO,
    ImageDetail.LOW: pb.IMAGE_DETAIL_LOW,
    ImageDetail.HIGH: pb.IMAGE_DETAIL_HIGH,
}
_DETAIL_FROM_PB = {v: k for k, v in _DETAIL_TO_PB.items()}
_CHOICE_TO_PB = {
    ToolChoiceMode.AUTO: pb.TOOL_CHOICE_MODE_AUTO,
    ToolChoiceMode.NONE: pb.TOOL_CHOICE_MODE_NONE,
    ToolChoiceMode.REQUIRED: pb.TOOL_CHOICE_MODE_REQUIRED,
    ToolChoiceMode.FUNCTION: pb.TOOL_CHOICE_MODE_FUNCTION,
}
_CHOICE_FROM_PB = {v: k for k, v in _CHOICE_TO_PB.items()}
_FORMAT_TO_PB = {
    ResponseFormatType.TEXT: pb.RESPONSE_FORMAT_TYPE_TEXT,
    ResponseFormatType.JSON_OBJECT: pb.RESPONSE_FORMAT_TYPE_JSON_OBJECT,
    ResponseFormatType.JSON_SCHEMA: pb.RESPONSE_FORMAT_TYPE_JSON_SCHEMA,
}
_FORMAT_FROM_PB = {v: k for k, v in _FORMAT_TO_PB.items()}
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


def tool_calls_from_pb(calls: Iterable[pb.ToolCall]) -> tuple[ToolCall, ...]:
    return tuple(ToolCall(c.id, c.name, c.arguments) for c in calls)


def tool_calls_to_pb(calls: Iterable[ToolCall]) -> list[pb.ToolCall]:
    return [pb.ToolCall(id=c.id, name=c.name, arguments=c.arguments) for c in calls]


def messages_from_pb(messages: Iterable[pb.ChatMessage]) -> list[ChatMessage]:
    result = []
    for i, m in enumerate(messages):
        role = _ROLE_FROM_PB.get(m.role)
        if role is None:
            raise InvalidArgument(
                f"messages[{i}].role must be ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT or ROLE_TOOL"
            )
        images = tuple(
            ImagePart(image.url, _DETAIL_FROM_PB.get(image.detail, ImageDetail.AUTO))
            for image in m.images
        )
        calls = tool_calls_from_pb(m.tool_calls)
        result.append(ChatMessage(role, m.content, calls, m.tool_call_id, images))
    return result


def messages_to_pb(messages: list[ChatMessage] | tuple[ChatMessage, ...]) -> list[pb.ChatMessage]:
    return [
        pb.ChatMessage(
            role=_ROLE_TO_PB[m.role],
            content=m.content,
            tool_calls=tool_calls_to_pb(m.tool_calls),
            tool_call_id=m.tool_call_id,
            images=[pb.ImagePart(url=i.url, detail=_DETAIL_TO_PB[i.detail]) for i in m.images],
        )
        for m in messages
    ]


def tools_from_pb(tools: Iterable[pb.ToolDefinition]) -> tuple[ToolDefinition, ...]:
    return tuple(
        ToolDefinition(
            t.name, t.description, t.parameters, t.strict if t.HasField("strict") else None
        )
        for t in tools
    )


def tools_to_pb(tools: Iterable[ToolDefinition]) -> list[pb.ToolDefinition]:
    return [
        pb.ToolDefinition(
            name=t.name, description=t.description, parameters=t.parameters, strict=t.strict
        )
        for t in tools
    ]


def tool_choice_from_pb(choice: pb.ToolChoice) -> ToolChoice:
    return ToolChoice(_CHOICE_FROM_PB.get(choice.mode, ToolChoiceMode.AUTO), choice.name)


def tool_choice_to_pb(choice: ToolChoice) -> pb.ToolChoice:
    return pb.ToolChoice(mode=_CHOICE_TO_PB[choice.mode], name=choice.name)


def response_format_from_pb(value: pb.ResponseFormat) -> ResponseFormat:
    return ResponseFormat(
        _FORMAT_FROM_PB.get(value.type, ResponseFormatType.TEXT),
        name=value.name,
        schema=value.schema,
        description=value.description,
        strict=value.strict if value.HasField("strict") else None,
    )


def response_format_to_pb(value: ResponseFormat) -> pb.ResponseFormat:
    return pb.ResponseFormat(
        type=_FORMAT_TO_PB[value.type],
        name=value.name,
        schema=value.schema,
        description=value.description,
        strict=value.strict,
    )


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
        tools=tools_from_pb(params.tools),
        tool_choice=tool_choice_from_pb(params.tool_choice) if has("tool_choice") else None,
        parallel_tool_calls=(params.parallel_tool_calls if has("parallel_tool_calls") else None),
        response_format=(
            response_format_from_pb(params.response_format) if has("response_format") else None
        ),
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
