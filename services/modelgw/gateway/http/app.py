"""The OpenAI-compatible HTTP front door: an ASGI app around the gateway's `Pipeline`.

Handlers only translate: authenticate with the same `Authenticator` as gRPC,
turn the OpenAI body into a `ChatRequest`, call the very `Pipeline` instance
the gRPC `Gateway` service uses, and translate the result back. The app holds
no state of its own; everything it uses is passed to `create_app`.
"""

import base64
import inspect
import struct
import time
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from modelgw.common.errors import InvalidArgument, ModelgwError, NotFound
from modelgw.common.messages import CallerMetadata
from modelgw.common.metrics import PrometheusExposition
from modelgw.common.metrics_http import metrics_endpoint
from modelgw.common.readiness import Readiness
from modelgw.common.tenant import Caller
from modelgw.gateway.embeddings import EmbedRequest
from modelgw.gateway.http import errors
from modelgw.gateway.http.chat_call import (
    STREAM_MEDIA_TYPE,
    chat_call,
    chunk_writer,
    completion_response,
    stream_headers,
)
from modelgw.gateway.http.disconnect import CancelOnDisconnect
from modelgw.gateway.http.door import CallerAuthenticator, ChatPipeline
from modelgw.gateway.http.embedding_models import (
    EmbeddingData,
    EmbeddingList,
    EmbeddingRequestIn,
    EmbeddingUsage,
)
from modelgw.gateway.http.lean_chat import LeanChatRoute
from modelgw.gateway.http.limits import BodyLimitMiddleware
from modelgw.gateway.http.models import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ErrorResponse,
    Model,
    ModelList,
)
from modelgw.gateway.http.sse import sse_stream
from modelgw.gateway.http.tracing import TracingMiddleware
from modelgw.gateway.validation import client_request_id, new_request_id, timeout_ms

TITLE = "modelgw OpenAI-compatible API"
VERSION = "1.0.0"


def _embedding(vector: list[float], encoding: str) -> list[float] | str:
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return vector


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in [
        (400, "Bad JSON or an invalid request"),
        (401, "Missing or unknown API key"),
        (403, "The key may not use this model, or the tenant's data policy blocks the prompt"),
        (404, "Unknown model"),
        (413, "Request body over the size limit"),
        (429, "Quota or rate limit reached"),
        (503, "A backend, the trust layer or the quota store is unavailable"),
    ]
}
_ERRORS[429]["headers"] = {
    "Retry-After": {
        "description": "Seconds until the tenant's quota window that refused the request ends",
        "schema": {"type": "integer"},
    }
}
_BEARER = HTTPBearer(auto_error=False, description="A tenant API key")


def _without_native_telemetry() -> dict[str, Any]:
    """Recent FastAPI traces by itself (a server span, spans per dependency and endpoint,
    with the process's providers). `TracingMiddleware` gives each request the one span the
    pipeline annotates, as gRPC does; FastAPI's own is switched off where it exists."""
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters:
        return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    return {}


def create_app(
    pipeline: ChatPipeline,
    authenticator: CallerAuthenticator,
    *,
    max_body_bytes: int,
    metrics: PrometheusExposition | None = None,
    health: Callable[[], Mapping[str, object]] | None = None,
    readiness: Readiness | None = None,
) -> FastAPI:
    """With `metrics`, the app also serves `/metrics` (unauthenticated, as Prometheus
    scrapes: leave it out where this port is public, see `metrics.on_http_port`);
    `health` adds detail to `/healthz` (e.g. the control plane feed position);
    `readiness` turns `/healthz` to 503 while the process drains before it stops."""
    app = FastAPI(
        title=TITLE,
        version=VERSION,
        description="OpenAI-compatible chat completions through modelgw's trust layer.",
        docs_url=None,
        redoc_url=None,
        **_without_native_telemetry(),
    )
    # Innermost: serves the chat route itself, handing FastAPI what it cannot take for sure.
    app.add_middleware(LeanChatRoute, pipeline=pipeline, authenticator=authenticator)
    app.add_middleware(CancelOnDisconnect)  # it gets the body BodyLimit read whole
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(TracingMiddleware)  # added last: outermost, it times the refusals too
    app.add_exception_handler(ModelgwError, errors.on_modelgw_error)
    app.add_exception_handler(RequestValidationError, errors.on_validation_error)
    app.add_exception_handler(HTTPException, errors.on_http_error)
    app.add_exception_handler(Exception, errors.on_unexpected_error)

    async def caller(
        request: Request,
        _: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    ) -> Caller:
        return await authenticator.authenticate(list(request.headers.items()))

    AuthenticatedCaller = Annotated[Caller, Depends(caller)]
    ClientRequestId = Annotated[
        str,
        Header(
            alias="x-client-request-id",
            description="Optional, your own id for the request (1-128 of [A-Za-z0-9._:-]): "
            "recorded in the audit log and echoed back. The response's `x-request-id` is "
            "the gateway's own id, the audit record's key",
        ),
    ]
    LegacyRequestId = Annotated[
        str,
        Header(
            alias="x-request-id",
            description="Older name of `x-client-request-id` (same rules); the response's "
            "`x-request-id` is the gateway's id, not this one",
        ),
    ]
    SessionId = Annotated[
        str,
        Header(
            alias="x-modelgw-session-id",
            description="Optional conversation id: the same value keeps the same "
            "placeholder across turns (1-256 of [A-Za-z0-9._:@/+=-])",
        ),
    ]
    TimeoutMs = Annotated[
        str,
        Header(
            alias="x-modelgw-timeout-ms",
            description="Optional deadline in milliseconds (1-600000); past it the "
            "request ends with 504 and no backend is tried any more",
        ),
    ]

    @app.post(
        "/v1/chat/completions",
        response_model=ChatCompletion,
        responses={
            **_ERRORS,
            200: {
                "description": "A completion; with `stream: true`, server-sent events "
                "of `ChatCompletionChunk` objects ending with `data: [DONE]`",
                "content": {
                    "text/event-stream": {
                        "schema": {"$ref": "#/components/schemas/ChatCompletionChunk"}
                    }
                },
            },
        },
    )
    async def create_chat_completion(
        http: Request,
        body: ChatCompletionRequest,
        who: AuthenticatedCaller,
        x_client_request_id: ClientRequestId = "",
        x_request_id: LegacyRequestId = "",
        x_modelgw_session_id: SessionId = "",
        x_modelgw_timeout_ms: TimeoutMs = "",
    ) -> Any:
        # Served by `LeanChatRoute` unless it hands the request on: both run `chat_call`.
        request_id = new_request_id()
        headers = {"x-request-id": request_id}
        http.state.id_headers = headers  # error responses carry them too
        chat = chat_call(
            body,
            request_id,
            headers,
            client_id=x_client_request_id or x_request_id,
            session_id=x_modelgw_session_id,
            timeout=x_modelgw_timeout_ms,
        )
        created = int(time.time())
        if not body.stream:
            return completion_response(await pipeline.generate(who, chat), created, headers)
        events = await pipeline.generate_stream(who, chat)
        return StreamingResponse(
            sse_stream(events, chunk_writer(body, request_id, created)),
            media_type=STREAM_MEDIA_TYPE,
            headers=stream_headers(headers),
        )

    @app.post("/v1/embeddings", response_model=EmbeddingList, responses=_ERRORS)
    async def create_embeddings(
        http: Request,
        body: EmbeddingRequestIn,
        who: AuthenticatedCaller,
        x_client_request_id: ClientRequestId = "",
        x_request_id: LegacyRequestId = "",
        x_modelgw_session_id: SessionId = "",
        x_modelgw_timeout_ms: TimeoutMs = "",
    ) -> Any:
        request_id = new_request_id()
        headers = {"x-request-id": request_id}
        http.state.id_headers = headers
        client_id = client_request_id(x_client_request_id or x_request_id)
        if client_id:
            headers["x-client-request-id"] = client_id
        inputs = [body.input] if isinstance(body.input, str) else body.input
        if not all(isinstance(text, str) for text in inputs):
            raise InvalidArgument(
                "input must be text: token arrays would reach the backend without being "
                "scanned for personal data"
            )
        deadline = None
        if x_modelgw_timeout_ms:
            deadline = time.monotonic() + timeout_ms(x_modelgw_timeout_ms)
        request = EmbedRequest(
            model=body.model,
            inputs=[str(text) for text in inputs],
            request_id=request_id,
            caller=CallerMetadata(end_user=body.user or "", session_id=x_modelgw_session_id),
            deadline=deadline,
            client_request_id=client_id,
            dimensions=body.dimensions,
        )
        result = await pipeline.embed(who, request)
        answer = EmbeddingList(
            data=[
                EmbeddingData(index=i, embedding=_embedding(v, body.encoding_format))
                for i, v in enumerate(result.vectors)
            ],
            model=result.model,
            usage=EmbeddingUsage(
                prompt_tokens=result.usage.prompt_tokens, total_tokens=result.usage.prompt_tokens
            ),
        )
        return JSONResponse(answer.model_dump(), headers=headers)

    @app.get("/v1/models", response_model=ModelList, responses=_ERRORS)
    async def list_models(who: AuthenticatedCaller) -> ModelList:
        return ModelList(
            data=[Model(id=name, description=d) for name, d in pipeline.list_models(who)]
        )

    @app.get("/v1/models/{model}", response_model=Model, responses=_ERRORS)
    async def retrieve_model(model: str, who: AuthenticatedCaller) -> Model:
        for name, description in pipeline.list_models(who):
            if name == model:
                return Model(id=name, description=description)
        raise NotFound(f"unknown model {model!r}; GET /v1/models lists the models you may use")

    if metrics is not None:
        app.router.routes.append(metrics_endpoint(metrics))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        detail = health() if health else {}
        if readiness is not None and readiness.draining:
            return JSONResponse({"status": "draining", **detail}, status_code=503)
        return JSONResponse({"status": "ok", **detail})

    # The OpenAPI document must show the chunk schema even though no route returns it.
    original_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = original_openapi()  # FastAPI keeps it as app.openapi_schema
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault(
            "ChatCompletionChunk",
            ChatCompletionChunk.model_json_schema(ref_template="#/components/schemas/{model}"),
        )
        for name, schema in list(schemas["ChatCompletionChunk"].pop("$defs", {}).items()):
            schemas.setdefault(name, schema)
        # Validation errors are answered with 400 in OpenAI's shape, never FastAPI's 422.
        for operations in document["paths"].values():
            for operation in operations.values():
                operation["responses"].pop("422", None)
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
    return app
