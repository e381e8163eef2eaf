"""`POST /v1/chat/completions` served without FastAPI's per-request machinery.

Why: on the bare path (no personal data, a fast upstream) the route's CPU went
largely to the framework, not to the gateway (issue 19: `solve_dependencies`
alone was 9% of the event loop): routing over every route, a `Request` object,
the dependency graph for the key and four optional headers, `json.loads`
followed by a second, Python-mode walk of the body for validation, the content
type parsed with `email.message`, a task group per streamed answer.

This ASGI middleware sits innermost among the app's middlewares, so tracing,
the body limit and the disconnect handling stay those of every route, and
Starlette's `ServerErrorMiddleware` outside them still answers an unexpected
error with the same 500. It takes a request of this route when it can serve
it for sure:
- the body is declared `application/json` (with any parameters), and pydantic
  decodes and validates it in one step (`model_validate_json`, the same strict
  model);
- then, in FastAPI's order, the caller is authenticated from the same
  headers, and the request runs through the same code as the FastAPI route
  (`chat_call`): same checks, same pipeline call, same responses.

Anything else (another content type, a body pydantic refuses: bad JSON, a
schema violation, text the decoder will not take) is handed to FastAPI with
the body replayed, so every error answer stays exactly the route's own: the
400 naming the field, the 401 for a missing key that comes before a schema
error, and so on. That hand-off is sound because the lean decoder accepts only
bodies FastAPI accepts too, with the same values (it refuses UTF-16, a BOM,
lone surrogates and deep nesting, which `json.loads` takes; tests hold the
two decoders and both ways in to each other).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncGenerator, Sequence

from pydantic import ValidationError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modelgw.common.errors import ModelgwError
from modelgw.gateway.http.chat_call import (
    chat_call,
    chunk_writer,
    completion_response,
    stream_head,
)
from modelgw.gateway.http.door import CallerAuthenticator, ChatPipeline
from modelgw.gateway.http.errors import modelgw_error_response
from modelgw.gateway.http.models import ChatCompletionRequest
from modelgw.gateway.http.sse import sse_stream
from modelgw.gateway.validation import new_request_id

PATH = "/v1/chat/completions"
_JSON = b"application/json"
_CALLER_HEADERS = (
    b"x-client-request-id",
    b"x-request-id",
    b"x-modelgw-session-id",
    b"x-modelgw-timeout-ms",
)


def decode(headers: Sequence[tuple[bytes, bytes]], body: bytes) -> ChatCompletionRequest | None:
    """The validated body, or None where FastAPI should decide (and answer any error).

    The content type is read as FastAPI reads it (the first header, its media type
    before any `;`, case and surrounding blanks ignored); `+json` types and a missing
    header are left to FastAPI, which refuses the latter.
    """
    for name, value in headers:
        if name == b"content-type":
            if value.partition(b";")[0].strip().lower() != _JSON:
                return None
            try:
                return ChatCompletionRequest.model_validate_json(body)
            except ValidationError:
                return None
    return None


def _replay(received: list[Message], receive: Receive) -> Receive:
    """`receive` as if nothing had been read from it yet."""
    pending = list(received)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


class LeanChatRoute:
    """ASGI middleware: serves the chat route's requests it can take, hands on the rest."""

    def __init__(
        self, app: ASGIApp, pipeline: ChatPipeline, authenticator: CallerAuthenticator
    ) -> None:
        self.app = app
        self.pipeline = pipeline
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope.get("root_path")
        ):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = None
        if message["type"] == "http.request":
            content = b"".join(m.get("body", b"") for m in received)
            body = decode(scope["headers"], content)
        if body is None:
            await self.app(scope, _replay(received, receive), send)
            return
        await self._serve(scope, body, receive, send)

    async def _serve(
        self, scope: Scope, body: ChatCompletionRequest, receive: Receive, send: Send
    ) -> None:
        id_headers: dict[str, str] = {}
        try:
            answer = await self._answer(scope["headers"], body, id_headers)
        except ModelgwError as exc:
            answer = modelgw_error_response(exc, id_headers)
        if isinstance(answer, Response):
            await answer(scope, receive, send)
            return
        # What `StreamingResponse` sends, without its task group: a client that leaves
        # is noticed by `CancelOnDisconnect`, which cancels this task and so the stream.
        await send(
            {"type": "http.response.start", "status": 200, "headers": stream_head(id_headers)}
        )
        async with contextlib.aclosing(answer) as frames:  # closed even if cut off in a send
            async for data in frames:
                await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _answer(
        self,
        headers: list[tuple[bytes, bytes]],
        body: ChatCompletionRequest,
        id_headers: dict[str, str],
    ) -> Response | AsyncGenerator[bytes, None]:
        """What the FastAPI route's endpoint does, from the same headers: the unary
        response, or the frames of the streamed one. `id_headers` gets the request's ids
        as soon as it has them, for an error response too."""
        sent: dict[bytes, str] = {}
        for name, value in headers:
            if name in _CALLER_HEADERS and name not in sent:
                sent[name] = value.decode("latin-1")
        who = await self.authenticator.authenticate(
            [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]
        )
        request_id = new_request_id()
        id_headers["x-request-id"] = request_id
        chat = chat_call(
            body,
            request_id,
            id_headers,
            client_id=sent.get(b"x-client-request-id") or sent.get(b"x-request-id", ""),
            session_id=sent.get(b"x-modelgw-session-id", ""),
            timeout=sent.get(b"x-modelgw-timeout-ms", ""),
        )
        created = int(time.time())
        if not body.stream:
            return completion_response(await self.pipeline.generate(who, chat), created, id_headers)
        events = await self.pipeline.generate_stream(who, chat)
        return sse_stream(events, chunk_writer(body, request_id, created))
