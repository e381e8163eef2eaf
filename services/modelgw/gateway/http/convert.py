"""OpenAI request/response objects ⇄ the pipeline's domain types.

Only translation happens here; every rule about what a valid chat request is
lives in `modelgw.gateway.validation` and `modelgw.gateway.content_checks`,
shared with the gRPC front door. The exceptions are OpenAI fields that have
no domain meaning at all: those are refused or dropped here, by the rule in
docs/http-api.md (a field that could carry text upstream unscanned is never
passed on; a harmless one is accepted and dropped).
"""

from __future__ import annotations

import json

from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import (
    CallerMetadata,
    ChatMessage,
    GenerationParams,
    ImageDetail,
    ImagePart,
    Role,
)
from modelgw.common.messages import Usage as DomainUsage
from modelgw.common.tools import (
    ResponseFormat,
    ResponseFormatType,
    ToolCall,
    ToolChoice,
    ToolChoiceMode,
    ToolDefinition,
)
from modelgw.gateway.chat import ChatRequest, ChatResult
from modelgw.gateway.http.models import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessageIn,
    Choice,
    Usage,
)
from modelgw.gateway.http.tool_models import (
    FunctionCallOut,
    ImagePartIn,
    JsonObjectFormat,
    JsonSchemaFormat,
    NamedToolChoice,
    ResponseFormatIn,
    TextPart,
    ToolCallOut,
    ToolChoiceIn,
)

_ROLES = {
    "system": Role.SYSTEM,
    "developer": Role.SYSTEM,
    "user": Role.USER,
    "assistant": Role.ASSISTANT,
    "tool": Role.TOOL,
}


def completion_id(request_id: str) -> str:
    return f"chatcmpl-{request_id}"


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _message(message: ChatMessageIn) -> ChatMessage:
    content = message.content
    images: list[ImagePart] = []
    if content is None:
        text = ""
    elif isinstance(content, str):
        text = content
    else:
        texts = [part.text for part in content if isinstance(part, TextPart)]
        images = [
            ImagePart(part.image_url.url, ImageDetail(part.image_url.detail))
            for part in content
            if isinstance(part, ImagePartIn)
        ]
        text = "\n".join(texts)
    calls = tuple(
        ToolCall(call.id, call.function.name, call.function.arguments)
        for call in message.tool_calls or ()
    )
    return ChatMessage(
        role=_ROLES[message.role],
        content=text,
        tool_calls=calls,
        tool_call_id=message.tool_call_id or "",
        images=tuple(images),
    )


def _tool_choice(value: ToolChoiceIn | None) -> ToolChoice | None:
    if value is None:
        return None
    if isinstance(value, NamedToolChoice):
        return ToolChoice(ToolChoiceMode.FUNCTION, value.function.name)
    return ToolChoice(ToolChoiceMode(value))


def _response_format(value: ResponseFormatIn | None) -> ResponseFormat | None:
    if value is None:
        return None
    if isinstance(value, JsonSchemaFormat):
        spec = value.json_schema
        return ResponseFormat(
            ResponseFormatType.JSON_SCHEMA,
            name=spec.name,
            schema=_json_text(spec.schema_ if spec.schema_ is not None else {}),
            description=spec.description or "",
            strict=spec.strict,
        )
    if isinstance(value, JsonObjectFormat):
        return ResponseFormat(ResponseFormatType.JSON_OBJECT)
    return ResponseFormat(ResponseFormatType.TEXT)


def _refuse_unsupported(body: ChatCompletionRequest) -> None:
    """OpenAI fields modelgw cannot honour; each refusal says why."""
    if body.n not in (None, 1):
        raise InvalidArgument("n must be 1: modelgw returns exactly one choice")
    if body.logprobs:
        raise InvalidArgument(
            "logprobs is not supported: the model's tokens are those of the masked answer "
            "(placeholders), which cannot be restored token by token"
        )
    if body.top_logprobs:
        raise InvalidArgument("top_logprobs is not supported (see logprobs)")
    if body.logit_bias:
        raise InvalidArgument(
            "logit_bias is not supported: token ids differ between the backends of a route"
        )
    if body.store:
        raise InvalidArgument("store must be false: modelgw never lets a provider keep answers")


def _params(body: ChatCompletionRequest) -> GenerationParams:
    _refuse_unsupported(body)
    max_tokens = body.max_tokens
    if body.max_completion_tokens is not None:
        if max_tokens is not None and max_tokens != body.max_completion_tokens:
            raise InvalidArgument("max_tokens and max_completion_tokens disagree; send one")
        max_tokens = body.max_completion_tokens
    stop = (body.stop,) if isinstance(body.stop, str) else tuple(body.stop or ())
    tools = tuple(
        ToolDefinition(
            name=tool.function.name,
            description=tool.function.description or "",
            parameters=(
                _json_text(tool.function.parameters) if tool.function.parameters is not None else ""
            ),
            strict=tool.function.strict,
        )
        for tool in body.tools or ()
    )
    return GenerationParams(
        max_tokens=max_tokens,
        temperature=body.temperature,
        top_p=body.top_p,
        stop=stop,
        seed=body.seed,
        presence_penalty=body.presence_penalty,
        frequency_penalty=body.frequency_penalty,
        tools=tools,
        tool_choice=_tool_choice(body.tool_choice),
        parallel_tool_calls=body.parallel_tool_calls,
        response_format=_response_format(body.response_format),
    )


def chat_request(
    body: ChatCompletionRequest,
    request_id: str,
    *,
    client_request_id: str = "",
    session_id: str = "",
    deadline: float | None = None,
) -> ChatRequest:
    return ChatRequest(
        model=body.model,
        messages=[_message(m) for m in body.messages],
        params=_params(body),
        request_id=request_id,
        client_request_id=client_request_id,
        caller=CallerMetadata(end_user=body.user or "", session_id=session_id),
        deadline=deadline,
    )


def usage(value: DomainUsage) -> Usage:
    return Usage(
        prompt_tokens=value.prompt_tokens,
        completion_tokens=value.completion_tokens,
        total_tokens=value.prompt_tokens + value.completion_tokens,
    )


def tool_calls_out(calls: tuple[ToolCall, ...]) -> list[ToolCallOut] | None:
    if not calls:
        return None
    return [
        ToolCallOut(id=c.id, function=FunctionCallOut(name=c.name, arguments=c.arguments))
        for c in calls
    ]


def chat_completion(result: ChatResult, created: int) -> ChatCompletion:
    calls = tool_calls_out(result.tool_calls)
    return ChatCompletion(
        id=completion_id(result.request_id),
        created=created,
        model=result.model,
        choices=[
            Choice(
                message=AssistantMessage(
                    content=result.text if result.text or not calls else None,
                    tool_calls=calls,
                ),
                finish_reason=result.finish_reason.value,
            )
        ],
        usage=usage(result.usage),
    )
