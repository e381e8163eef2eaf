"""OpenAI request/response objects ⇄ the pipeline's domain types.

Only translation happens here; every rule about what a valid chat request is
lives in `modelgw.gateway.validation`, shared with the gRPC front door.
"""

from __future__ import annotations

from modelgw.common.errors import InvalidArgument
from modelgw.common.messages import (
    CallerMetadata,
    ChatMessage,
    GenerationParams,
    Role,
)
from modelgw.common.messages import Usage as DomainUsage
from modelgw.gateway.chat import ChatRequest, ChatResult
from modelgw.gateway.http.models import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessageIn,
    Choice,
    Usage,
)

_ROLES = {
    "system": Role.SYSTEM,
    "developer": Role.SYSTEM,
    "user": Role.USER,
    "assistant": Role.ASSISTANT,
}


def completion_id(request_id: str) -> str:
    return f"chatcmpl-{request_id}"


def _message(message: ChatMessageIn) -> ChatMessage:
    content = message.content
    if content is None:
        text = ""
    elif isinstance(content, str):
        text = content
    else:
        text = "\n".join(part.text for part in content)
    return ChatMessage(role=_ROLES[message.role], content=text)


def _params(body: ChatCompletionRequest) -> GenerationParams:
    if body.n not in (None, 1):
        raise InvalidArgument("n must be 1: modelgw returns exactly one choice")
    max_tokens = body.max_tokens
    if body.max_completion_tokens is not None:
        if max_tokens is not None and max_tokens != body.max_completion_tokens:
            raise InvalidArgument("max_tokens and max_completion_tokens disagree; send one")
        max_tokens = body.max_completion_tokens
    stop = (body.stop,) if isinstance(body.stop, str) else tuple(body.stop or ())
    return GenerationParams(
        max_tokens=max_tokens,
        temperature=body.temperature,
        top_p=body.top_p,
        stop=stop,
        seed=body.seed,
        presence_penalty=body.presence_penalty,
        frequency_penalty=body.frequency_penalty,
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


def chat_completion(result: ChatResult, created: int) -> ChatCompletion:
    return ChatCompletion(
        id=completion_id(result.request_id),
        created=created,
        model=result.model,
        choices=[
            Choice(
                message=AssistantMessage(content=result.text),
                finish_reason=result.finish_reason.value,
            )
        ],
        usage=usage(result.usage),
    )
