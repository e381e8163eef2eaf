"""Turn a request's deadline and the backend's timeout into one absolute cut-off.

Adapters wrap every await on the network in `asyncio.timeout_at(cutoff)`,
never a `yield`: a timeout scope around a generator's yield would cancel
whatever the consumer is doing instead of the read it was meant to bound.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

import grpc

from modelgw.providers.transport.errors import ProviderError


class Deadlined(Protocol):
    """A backend request (chat or embeddings): what the caller's deadline leaves."""

    @property
    def deadline(self) -> float | None: ...

    def remaining(self, cap: float) -> float: ...


def cutoff(request: Deadlined, timeout_s: float, backend: str) -> float:
    """The event-loop time after which this call is abandoned; fails if already past."""
    seconds = request.remaining(timeout_s)
    if seconds <= 0:
        raise ProviderError(
            f"backend {backend!r}: the caller's deadline passed before the call started",
            code=grpc.StatusCode.DEADLINE_EXCEEDED,
            retryable=False,
        )
    return asyncio.get_running_loop().time() + seconds


def timed_out(request: Deadlined, timeout_s: float, backend: str) -> ProviderError:
    """The error for a call cut off by `cutoff`: retryable only if the caller still has time."""
    caller_left = request.deadline is None or request.deadline - time.monotonic() > 0
    return ProviderError(
        f"backend {backend!r} did not answer within its time limit",
        code=grpc.StatusCode.DEADLINE_EXCEEDED,
        retryable=caller_left,
    )
