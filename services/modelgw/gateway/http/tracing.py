"""A SERVER span for every HTTP request, as the gRPC interceptor gives every call.

The pipeline names the request on its front door's span (GenAI attributes,
tenant, request id, route, decision) and the audit record keeps its trace id;
without this span the HTTP door's requests had neither. A caller's W3C
`traceparent` makes the span part of the caller's trace. The span covers a
streamed answer to its end: the response is sent inside the wrapped call.

Span names use the route, never the raw path (`/v1/models/{model}`), and no
header or body value becomes an attribute.
"""

from __future__ import annotations

import functools

from opentelemetry import propagate
from opentelemetry.context import Context
from opentelemetry.trace import Status, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modelgw.common.telemetry import server_span

_ROUTES = ("/v1/chat/completions", "/v1/models")
_UNTRACED = ("/healthz", "/metrics")
"""Probes and scrapes: a span every few seconds that says nothing about a request."""


def _route(path: str) -> str:
    if path in _ROUTES:
        return path
    if path.startswith("/v1/models/"):
        return "/v1/models/{model}"
    return "other"


@functools.cache
def _propagated_headers() -> frozenset[bytes]:
    """The header names the installed propagators read (`traceparent`, `baggage`, ...)."""
    return frozenset(f.encode("latin-1") for f in propagate.get_global_textmap().fields)


def _callers_context(headers: list[tuple[bytes, bytes]]) -> Context | None:
    """The caller's trace context, or None (the current one) when it sent none: most callers
    send no `traceparent`, and decoding every header to look cost ~3% of a bare request."""
    propagated = _propagated_headers()
    if not any(name in propagated for name, _ in headers):
        return None
    return propagate.extract({k.decode("latin-1"): v.decode("latin-1") for k, v in headers})


class TracingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNTRACED:
            await self.app(scope, receive, send)
            return
        route = _route(scope["path"])
        method = scope["method"]
        with server_span(
            f"{method} {route}",
            _callers_context(scope["headers"]),
            {"http.request.method": method, "http.route": route},
        ) as span:

            async def traced_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            await self.app(scope, receive, traced_send)
