"""Provider failures as `BackendError`s with the right gRPC status and retry hint.

One table decides for every adapter, so "429 from Anthropic" and "429 from
Bedrock" mean the same to the routing engine. Messages name the backend and
the provider's own error type; they never hold raw personal data because
providers only ever see masked prompts.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import grpc

from modelgw.common.errors import BackendError

_MAX_DETAIL = 300


class ProviderError(BackendError):
    """A `BackendError` that also says what the provider answered and when to come back."""

    def __init__(
        self,
        message: str,
        *,
        code: grpc.StatusCode,
        retryable: bool,
        upstream_status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, code=code, retryable=retryable)
        self.upstream_status = upstream_status
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """What an adapter read from an error body: the provider's error type and message."""

    kind: str = ""
    message: str = ""
    status: int | None = None
    """The status that really applies, when the provider wraps another (SageMaker's 424)."""


# HTTP status -> (gRPC status, retryable). Retryable means another try, here or on the
# next backend of the route, may succeed; credential and model errors are about this
# backend's config, so a fallback can still help.
_BY_STATUS: dict[int, tuple[grpc.StatusCode, bool]] = {
    400: (grpc.StatusCode.INVALID_ARGUMENT, False),
    401: (grpc.StatusCode.FAILED_PRECONDITION, True),
    403: (grpc.StatusCode.FAILED_PRECONDITION, True),
    404: (grpc.StatusCode.FAILED_PRECONDITION, True),
    408: (grpc.StatusCode.DEADLINE_EXCEEDED, True),
    409: (grpc.StatusCode.ABORTED, True),
    413: (grpc.StatusCode.INVALID_ARGUMENT, False),
    422: (grpc.StatusCode.INVALID_ARGUMENT, False),
    429: (grpc.StatusCode.RESOURCE_EXHAUSTED, True),
    500: (grpc.StatusCode.UNAVAILABLE, True),
    502: (grpc.StatusCode.UNAVAILABLE, True),
    503: (grpc.StatusCode.UNAVAILABLE, True),
    504: (grpc.StatusCode.DEADLINE_EXCEEDED, True),
    529: (grpc.StatusCode.UNAVAILABLE, True),  # Anthropic: overloaded
}


def _classify(status: int) -> tuple[grpc.StatusCode, bool]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return grpc.StatusCode.UNAVAILABLE, True
    return grpc.StatusCode.FAILED_PRECONDITION, False


def _go_duration(value: str) -> float | None:
    """Parse OpenAI's `x-ratelimit-reset-*` durations such as `1s`, `6m0s`, `20ms`."""
    total, number = 0.0, ""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    i = 0
    while i < len(value):
        ch = value[i]
        if ch.isdigit() or ch == ".":
            number += ch
            i += 1
            continue
        unit = "ms" if value.startswith("ms", i) else ch
        if unit not in units or not number:
            return None
        total += float(number) * units[unit]
        number = ""
        i += len(unit)
    return total if not number else None


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """How long the provider asks us to wait, from whichever header it uses."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if "retry-after-ms" in lowered:
        try:
            return max(0.0, float(lowered["retry-after-ms"]) / 1000)
        except ValueError:
            pass
    if "retry-after" in lowered:
        value = lowered["retry-after"].strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    for name in ("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"):
        if name in lowered:
            parsed = _go_duration(lowered[name].strip())
            if parsed is not None:
                return parsed
    return None


def http_error(
    backend: str, provider: str, status: int, headers: Mapping[str, str], detail: ErrorDetail
) -> ProviderError:
    effective = detail.status or status
    code, retryable = _classify(effective)
    what = f" ({detail.kind})" if detail.kind else ""
    # Credential errors can quote (parts of) our key back: their text never reaches a caller.
    text = "" if effective in {401, 403} else detail.message[:_MAX_DETAIL]
    message = f"backend {backend!r}: {provider} answered HTTP {status}{what}"
    if text:
        message += f": {text}"
    return ProviderError(
        message,
        code=code,
        retryable=retryable,
        upstream_status=status,
        retry_after_s=retry_after_seconds(headers) if effective in {429, 503, 529} else None,
    )


def stream_error(
    backend: str, provider: str, kind: str, message: str, status: int
) -> ProviderError:
    """An error the provider reported inside an already started stream."""
    code, retryable = _classify(status)
    text = message[:_MAX_DETAIL]
    return ProviderError(
        f"backend {backend!r}: {provider} reported {kind} mid-stream"
        + (f": {text}" if text else ""),
        code=code,
        retryable=retryable,
        upstream_status=status,
    )


def protocol_error(backend: str, provider: str, what: str) -> ProviderError:
    """The provider answered something its wire format does not allow."""
    return ProviderError(
        f"backend {backend!r}: unexpected answer from {provider}: {what}",
        code=grpc.StatusCode.INTERNAL,
        retryable=False,
    )


def transport_error(backend: str, exc: Exception) -> ProviderError:
    """Connection refused, reset, TLS failure: the backend is unreachable right now."""
    return ProviderError(
        f"backend {backend!r} is unreachable: {type(exc).__name__}",
        code=grpc.StatusCode.UNAVAILABLE,
        retryable=True,
    )
