"""Errors that carry the status a caller should see.

Domain code raises these; the gRPC and HTTP edges translate them, so one
decision ("this is the caller's fault") gives the right code on both.
"""

from __future__ import annotations

import grpc


class ModelgwError(Exception):
    """An error whose message is safe to show the caller (it never holds raw personal data)."""

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(ModelgwError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class Unauthenticated(ModelgwError):
    code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDenied(ModelgwError):
    code = grpc.StatusCode.PERMISSION_DENIED


class NotFound(ModelgwError):
    code = grpc.StatusCode.NOT_FOUND


class FailedPrecondition(ModelgwError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class ResourceExhausted(ModelgwError):
    """Refused for now; `retry_after_s`, when known, reaches the caller as `retry-after`
    trailing metadata (gRPC) or the `Retry-After` header (HTTP)."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED

    def __init__(self, message: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Unavailable(ModelgwError):
    code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceeded(ModelgwError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class TrustLayerUnavailable(Unavailable):
    """The trust layer could not decide; the request fails closed."""


class QuotaExceeded(ResourceExhausted):
    """A tenant's quota has no room for this request; nothing was sent."""


class QuotaStoreUnavailable(Unavailable):
    """The quota store could not be reached and the deployment fails closed."""


class BlockedByPolicy(PermissionDenied):
    """The tenant's entity policy refuses this request."""


class BackendError(ModelgwError):
    """A backend failed. `retryable` tells the routing engine whether another try may help."""

    def __init__(self, message: str, *, code: grpc.StatusCode, retryable: bool) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable
