"""Domain errors as OpenAI error objects, with the HTTP status OpenAI would use.

`STATUS_TABLE` is the one place that maps a gRPC status (what every
`ModelgwError` carries) to HTTP: the gRPC and HTTP front doors therefore
always agree on whose fault an error is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import grpc
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import Request

from modelgw.common.errors import ModelgwError
from modelgw.common.grpc_errors import trailers
from modelgw.gateway.http.models import ErrorObject, ErrorResponse

log = logging.getLogger(__name__)

# grpc status -> (HTTP status, OpenAI error `type`, OpenAI error `code`)
STATUS_TABLE: dict[grpc.StatusCode, tuple[int, str, str | None]] = {
    grpc.StatusCode.INVALID_ARGUMENT: (400, "invalid_request_error", None),
    grpc.StatusCode.OUT_OF_RANGE: (400, "invalid_request_error", None),
    grpc.StatusCode.FAILED_PRECONDITION: (400, "invalid_request_error", None),
    grpc.StatusCode.UNAUTHENTICATED: (401, "invalid_request_error", "invalid_api_key"),
    grpc.StatusCode.PERMISSION_DENIED: (403, "permission_error", "permission_denied"),
    grpc.StatusCode.NOT_FOUND: (404, "invalid_request_error", "model_not_found"),
    grpc.StatusCode.ALREADY_EXISTS: (409, "invalid_request_error", None),
    grpc.StatusCode.ABORTED: (409, "server_error", None),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (429, "rate_limit_error", "rate_limit_exceeded"),
    grpc.StatusCode.CANCELLED: (499, "server_error", "cancelled"),
    grpc.StatusCode.UNKNOWN: (500, "server_error", None),
    grpc.StatusCode.INTERNAL: (500, "server_error", None),
    grpc.StatusCode.DATA_LOSS: (500, "server_error", None),
    grpc.StatusCode.UNIMPLEMENTED: (501, "invalid_request_error", "unsupported"),
    grpc.StatusCode.UNAVAILABLE: (503, "server_error", "service_unavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "server_error", "timeout"),
}
INTERNAL_MESSAGE = "internal error; see the server log"


def error_body(
    message: str, type_: str, *, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    return ErrorResponse(
        error=ErrorObject(message=message, type=type_, param=param, code=code)
    ).model_dump()


def describe(exc: ModelgwError) -> tuple[int, dict[str, Any]]:
    """HTTP status and OpenAI error body of a domain error."""
    status, type_, code = STATUS_TABLE.get(exc.code, (500, "server_error", None))
    return status, error_body(exc.message, type_, code=code)


def internal_error_body() -> dict[str, Any]:
    return error_body(INTERNAL_MESSAGE, "server_error")


def _param(loc: Sequence[int | str]) -> str | None:
    path = [str(part) for part in loc if part != "body"]
    return ".".join(path) or None


def modelgw_error_response(exc: ModelgwError, id_headers: Mapping[str, str]) -> JSONResponse:
    """A domain error's response; `id_headers` are the request's, once it has them."""
    status, body = describe(exc)
    # The gRPC trailers as headers: `retry-after` in seconds, as RFC 9110 allows.
    headers = dict(trailers(exc))
    # A refused request has an audit record too: its id lets the caller find it.
    headers.update(id_headers)
    return JSONResponse(body, status_code=status, headers=headers)


async def on_modelgw_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ModelgwError)
    return modelgw_error_response(exc, getattr(request.state, "id_headers", {}))


async def on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    """Bad JSON and schema violations are the caller's fault: 400, naming the field.

    Only pydantic's message and location are echoed, never the offending input:
    it could be personal data.
    """
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors())
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    param = _param(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        message = "the request body is not valid JSON"
        param = None
    elif param is None and first.get("type") == "missing":
        message = "the request body is empty; send a JSON object"
    else:
        where = f"{param}: " if param else ""
        message = f"{where}{first.get('msg', 'invalid value')}"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more problem(s))"
    return JSONResponse(error_body(message, "invalid_request_error", param=param), status_code=400)


async def on_http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        error_body(str(exc.detail), "invalid_request_error"),
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def on_unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    """The text of an unexpected error may hold request content: it goes to the log only."""
    log.exception("unexpected error in the HTTP front door", exc_info=exc)
    return JSONResponse(internal_error_body(), status_code=500)
