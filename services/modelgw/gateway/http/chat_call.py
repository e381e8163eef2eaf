"""One chat completion over HTTP, from checked body to response: shared by both ways in.

`POST /v1/chat/completions` is served by the lean ASGI path (`lean_chat`) and,
for anything that path hands on, by the FastAPI route (`app`). Both build the
pipeline's request and their responses here, so they cannot drift apart.
"""

from __future__ import annotations

import time

from starlette.responses import Response

from modelgw.gateway.chat import ChatRequest, ChatResult
from modelgw.gateway.http.convert import chat_completion, chat_request, completion_id
from modelgw.gateway.http.models import ChatCompletion, ChatCompletionRequest
from modelgw.gateway.http.sse import ChunkWriter
from modelgw.gateway.validation import client_request_id, timeout_ms

_COMPLETION_JSON = ChatCompletion.__pydantic_serializer__
STREAM_MEDIA_TYPE = "text/event-stream"
STREAM_CONTENT_TYPE = b"text/event-stream; charset=utf-8"
"""What Starlette sends for `STREAM_MEDIA_TYPE`: text types get their charset."""


def chat_call(
    body: ChatCompletionRequest,
    request_id: str,
    id_headers: dict[str, str],
    *,
    client_id: str,
    session_id: str,
    timeout: str,
) -> ChatRequest:
    """The pipeline's request for `body` and the caller's optional headers (`client_id`
    is `x-client-request-id`, or the older `x-request-id`).

    `id_headers` are the response's id headers, already holding `x-request-id`: the
    checked client id is added to them, and an error raised here (a bad id, a bad
    timeout, an unsupported field) is answered with them too.
    """
    client_id = client_request_id(client_id)
    if client_id:
        id_headers["x-client-request-id"] = client_id
    deadline = None
    if timeout:
        deadline = time.monotonic() + timeout_ms(timeout)
    return chat_request(
        body,
        request_id,
        client_request_id=client_id,
        session_id=session_id,
        deadline=deadline,
    )


def completion_response(result: ChatResult, created: int, id_headers: dict[str, str]) -> Response:
    """The `chat.completion` object as JSON, serialised by pydantic straight to bytes.

    The bytes are those `JSONResponse(completion.model_dump())` made (compact, UTF-8
    unescaped, the same control-character escapes; a test holds them equal) without
    the intermediate dict and `json.dumps`.
    """
    body = _COMPLETION_JSON.to_json(chat_completion(result, created))
    return Response(body, media_type="application/json", headers=id_headers)


def chunk_writer(body: ChatCompletionRequest, request_id: str, created: int) -> ChunkWriter:
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    return ChunkWriter(completion_id(request_id), created, body.model, include_usage)


def stream_headers(id_headers: dict[str, str]) -> dict[str, str]:
    return {**id_headers, "cache-control": "no-cache", "x-accel-buffering": "no"}


def stream_head(id_headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """The raw headers of a streamed answer, as `StreamingResponse(media_type=...,
    headers=stream_headers(...))` makes them (a test holds them equal)."""
    head = [
        (k.encode("latin-1"), v.encode("latin-1")) for k, v in stream_headers(id_headers).items()
    ]
    head.append((b"content-type", STREAM_CONTENT_TYPE))
    return head
