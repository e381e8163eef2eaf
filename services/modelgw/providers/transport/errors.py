"""Provider failures as `BackendError`s with the right gRPC status and retry hint.

One table decides for every adapter, so "429 from Anthropic" and "429 from
Bedrock" mean the same to the routing engine.

Messages name the backend, the HTTP status and the provider's own error type
(`invalid_request_error`, `ThrottlingException`), and never the provider's
message text. That text is returned to the caller and stored in the audit
record's `error`, and an upstream may quote the prompt in it ("... is not
valid: 'Contact Jane Doe at jane@example.com'"): a local backend may receive
values the tenant's policy allows it, detection can miss a value, and a
provider's text is not ours to vouch for. Scanning it with the trust layer
would put detection (and its failure modes) on every error path and still
miss what detection misses; dropping it is the one choice that cannot leak.
The error type is kept only when it is a short identifier (`error_type`), so
it cannot carry text either. What a caller acts on (status, retryability,
`retry-after`) is unchanged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import grpc

from modelgw.common.errors import BackendError

_ERROR_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}")


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
    """What an adapter reads from an error body: the provider's error type, never its
    message text (see the module docstring)."""

    kind: str = ""
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
    498: (grpc.StatusCode.FAILED_PRECONDITION, True),  # Cohere: invalid API token
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


def error_type(kind: str) -> str:
    """The provider's error type if it is a plain identifier; anything else is dropped."""
    return kind if _ERROR_TYPE.fullmatch(kind) else ""


def http_error(
    backend: str, provider: str, status: int, headers: Mapping[str, str], detail: ErrorDetail
) -> ProviderError:
    effective = detail.status or status
    code, retryable = _classify(effective)
    kind = error_type(detail.kind)
    what = f" ({kind})" if kind else ""
    return ProviderError(
        f"backend {backend!r}: {provider} answered HTTP {status}{what}",
        code=code,
        retryable=retryable,
        upstream_status=status,
        retry_after_s=retry_after_seconds(headers) if effective in {429, 503, 529} else None,
    )


def stream_error(backend: str, provider: str, kind: str, status: int) -> ProviderError:
    """An error the provider reported inside an already started stream (its message text
    is not read at all: see the module docstring)."""
    code, retryable = _classify(status)
    what = error_type(kind) or "an error"
    return ProviderError(
        f"backend {backend!r}: {provider} reported {what} mid-stream",
        code=code,
        retryable=retryable,
        upstream_status=status,
    )


def early_end(backend: str, provider: str, what: str) -> ProviderError:
    """The provider's stream stopped before its end marker; `what` is our own wording."""
    code, retryable = _classify(503)
    return ProviderError(
        f"backend {backend!r}: {provider} ended its stream early ({what})",
        code=code,
        retryable=retryable,
        upstream_status=503,
    )


def protocol_error(backend: str, provider: str, what: str) -> ProviderError:
    """The provider answered something its wire format does not allow."""
    return ProviderError(
        f"backend {backend!r}: unexpected answer from {provider}: {what}",
        code=grpc.StatusCode.INTERNAL,
        retryable=False,
    )


def transport_error(backend: str, kind: str) -> ProviderError:
    """Connection refused, reset, TLS failure: the backend is unreachable right now.
    `kind`: the HTTP library's error type."""
    return ProviderError(
        f"backend {backend!r} is unreachable: {kind}",
        code=grpc.StatusCode.UNAVAILABLE,
        retryable=True,
    )
