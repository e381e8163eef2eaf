"""gRPC statuses from a vLLM worker → `BackendError` with the routing engine's retry hint.

Retryable means "another try, here or on another backend, may succeed": the
worker is down, overloaded, timed out or broke (the gRPC forms of 5xx, 429
and timeouts). Caller errors (a prompt too long, bad parameters) would fail
the same way anywhere.
"""

from __future__ import annotations

import grpc

from modelgw.common.errors import BackendError

_RETRYABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.ABORTED,
    }
)
# Statuses the caller should see as they are; anything else becomes UNAVAILABLE.
_PASS_THROUGH = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.OUT_OF_RANGE,
    }
)


def backend_error(provider: str, exc: grpc.aio.AioRpcError, worker: str = "") -> BackendError:
    """The worker's status, never its detail text: like a provider's error message
    (`providers.transport.errors`), it may quote the prompt, and a local worker may be
    sent values the tenant's policy allows locally. It is returned to the caller and
    stored in the audit record, so it is dropped."""
    code = exc.code()
    where = f"{provider} ({worker})" if worker else provider
    return BackendError(
        f"vLLM worker {where} failed: {code.name}",
        code=code if code in _PASS_THROUGH else grpc.StatusCode.UNAVAILABLE,
        retryable=code in _RETRYABLE,
    )
