"""Run one request along its route: retries, fallback, breakers, deadline.

The documented behaviour, for every backend type:
- A retryable failure (timeout, 429, 5xx, unavailable: `BackendError.retryable`)
  is retried on the same backend after a jittered exponential backoff, up to
  `max_attempts_per_backend`, then the next backend of the route is tried; a
  429 (RESOURCE_EXHAUSTED) falls back at once, and so does FAILED_PRECONDITION
  (the provider refused *our* credential or config for it, e.g. its 401/403:
  not the caller's fault, so another backend may answer, but trying the same
  one again cannot help). `max_attempts` bounds the total.
- A caller error (400/401/403 and the like: not retryable) ends the request at
  once with that error: another backend would refuse it too.
- Every try after the first spends from the retry budget; an empty budget ends
  the request with the last error.
- A backend whose breaker is open is skipped; if every backend's is, the
  request fails with UNAVAILABLE without calling any.
- A backend that answered with `retry-after` is not called for that model
  until the time passes (`cooldown.py`); if every backend is waiting so, the
  request fails with RESOURCE_EXHAUSTED and `retry-after` without calling any.
- A backend whose locality's entity policy blocks the prompt's data is
  skipped (another locality's policy may allow it); if all are, the request
  is refused with PERMISSION_DENIED.
- The caller's deadline bounds everything: each call gets the remaining time
  (at most the backend's `timeout_s`; the backend enforces both, this engine
  sets no timer of its own), backoff never sleeps past it, and once it passes
  the request ends with DEADLINE_EXCEEDED, not a fallback.
- A stream fails over only until its first token. Once text has gone to the
  client, a failure ends the stream with an error that says so: a second
  backend would start its answer from the beginning, duplicating text.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import grpc

from modelgw.common.config.routing import RoutingConfig
from modelgw.common.errors import (
    BackendError,
    BlockedByPolicy,
    DeadlineExceeded,
    ModelgwError,
    Unavailable,
)
from modelgw.gateway.routing.breaker import BreakerState, CircuitBreaker
from modelgw.gateway.routing.budget import RetryBudget
from modelgw.gateway.routing.cooldown import Cooldowns, all_cooling
from modelgw.gateway.routing.plan import Candidate, RoutePlan
from modelgw.providers.base import (
    BackendRequest,
    BackendResponse,
    EmbeddingBackend,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

Prepare = Callable[[Candidate], Awaitable[BackendRequest]]
"""Builds the request for one candidate (masking depends on the backend's locality)."""


class RoutingEvents(Protocol):
    """What the engine reports as it goes (`modelgw.gateway.telemetry.GatewayTelemetry`)."""

    def retried(self, backend: str) -> None: ...

    def fell_back(self, model: str, backend: str) -> None: ...


@dataclass(slots=True)
class Outcome:
    """Which backend answered and what happened on the way, for the route reason."""

    candidate: Candidate
    notes: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.notes) if self.notes else "first backend of the route"


@dataclass(slots=True)
class OpenedStream:
    outcome: Outcome
    chunks: AsyncIterator[StreamChunk]
    """The backend's stream, first token included; failures now end the stream."""


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.monotonic()


_FALL_BACK_AT_ONCE = frozenset(
    {grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.FAILED_PRECONDITION}
)


class RoutingEngine:
    """One per gateway process; owns the breakers and the retry budget."""

    def __init__(
        self,
        config: RoutingConfig,
        *,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        telemetry: RoutingEvents | None = None,
    ) -> None:
        self._config = config
        self._events = telemetry
        self._rng = rng or random.Random()  # jitter, not security
        self._sleep = sleep
        self._breakers: dict[str, CircuitBreaker] = {}
        self.budget = RetryBudget(config.retry)
        self.cooldowns = Cooldowns(config.retry_after_max_s)

    def breaker(self, backend: str) -> CircuitBreaker:
        if backend not in self._breakers:
            self._breakers[backend] = CircuitBreaker(self._config.breaker)
        return self._breakers[backend]

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each backend's breaker as it stands now (for the breaker-state metric)."""
        return {name: breaker.state for name, breaker in self._breakers.items()}

    def _backoff(self, retry_number: int) -> float:
        retry = self._config.retry
        cap = min(retry.backoff_max_ms, retry.backoff_initial_ms * 2 ** (retry_number - 1))
        return self._rng.uniform(0, cap) / 1000

    async def generate(
        self, plan: RoutePlan, deadline: float | None, prepare: Prepare
    ) -> tuple[Outcome, BackendResponse]:
        async def call(candidate: Candidate, request: BackendRequest) -> BackendResponse:
            return await candidate.backend.generate(request)

        outcome, response = await self._run(plan, deadline, prepare, call)
        self.breaker(outcome.candidate.name).on_success()
        return outcome, response

    async def embed(
        self,
        plan: RoutePlan,
        deadline: float | None,
        prepare: Callable[[Candidate], Awaitable[EmbeddingRequest]],
    ) -> tuple[Outcome, EmbeddingResponse]:
        """Like `generate`, for embeddings: same retries, fallback, breakers and deadline."""

        async def call(candidate: Candidate, request: EmbeddingRequest) -> EmbeddingResponse:
            backend = candidate.backend
            assert isinstance(backend, EmbeddingBackend), "the plan holds embedding backends only"
            return await backend.embed(request)

        outcome, response = await self._run(plan, deadline, prepare, call)
        self.breaker(outcome.candidate.name).on_success()
        return outcome, response

    async def open_stream(
        self, plan: RoutePlan, deadline: float | None, prepare: Prepare
    ) -> OpenedStream:
        """Try backends until one yields its first token; later failures are the caller's."""

        async def first_token(
            candidate: Candidate, request: BackendRequest
        ) -> tuple[list[StreamChunk], AsyncIterator[StreamChunk]]:
            chunks = aiter(candidate.backend.stream(request))
            head: list[StreamChunk] = []
            try:
                async for chunk in chunks:
                    head.append(chunk)
                    if chunk.delta or chunk.tool_calls or chunk.finish_reason is not None:
                        return head, chunks
            except BaseException:
                await _close(chunks)
                raise
            raise BackendError(
                f"{candidate.name} ended its stream without any answer",
                code=grpc.StatusCode.UNAVAILABLE,
                retryable=True,
            )

        outcome, (head, chunks) = await self._run(plan, deadline, prepare, first_token)
        return OpenedStream(outcome, self._committed(outcome, head, chunks, deadline))

    async def _committed(
        self,
        outcome: Outcome,
        head: list[StreamChunk],
        chunks: AsyncIterator[StreamChunk],
        deadline: float | None,
    ) -> AsyncIterator[StreamChunk]:
        breaker = self.breaker(outcome.candidate.name)
        name = outcome.candidate.name
        verdict = False
        try:
            for chunk in head:
                yield chunk
            async for chunk in chunks:  # the backend bounds each wait (see `Backend`)
                yield chunk
            breaker.on_success()
            verdict = True
        except BackendError as exc:
            breaker.on_failure()
            verdict = True
            raise BackendError(
                f"{name} failed after the answer had started ({exc.message}); not sent to "
                "another backend, which would repeat the text already streamed",
                code=exc.code,
                retryable=False,
            ) from None
        finally:
            if not verdict:
                breaker.release()
            await _close(chunks)

    async def _run(
        self,
        plan: RoutePlan,
        deadline: float | None,
        prepare: Callable[[Candidate], Awaitable[R]],
        call: Callable[[Candidate, R], Awaitable[T]],
    ) -> tuple[Outcome, T]:
        retry = self._config.retry
        self.budget.record_request()
        notes: list[str] = list(plan.reasons)
        last: BackendError | None = None
        refused: BlockedByPolicy | None = None
        attempts = 0
        cooling: float | None = None  # the soonest a backend that asked to wait may be called
        for position, candidate in enumerate(plan.candidates):
            tries_here = 0
            wait = self.cooldowns.remaining(candidate)
            if wait > 0:
                cooling = min(wait, cooling or wait)
                notes.append(f"{candidate.name} skipped: asked to wait {wait:.0f} s more")
                continue
            try:
                request = await prepare(candidate)
            except BlockedByPolicy as exc:
                # The tenant's entity policy for this backend's locality refuses the data;
                # another locality's policy may allow it (e.g. external blocked, local fine).
                refused = exc
                notes.append(f"{candidate.name} skipped: its locality's data policy blocks")
                continue
            while tries_here < retry.max_attempts_per_backend and attempts < retry.max_attempts:
                breaker = self.breaker(candidate.name)
                if not breaker.try_acquire():
                    notes.append(f"{candidate.name} skipped: circuit breaker {breaker.state}")
                    break
                if attempts > 0 and not self.budget.try_spend():
                    breaker.release()
                    notes.append("retry budget exhausted")
                    raise _final(last, notes)
                if tries_here > 0:
                    await self._wait(self._backoff(tries_here), deadline, breaker)
                if self._events is not None and (tries_here or position):
                    if tries_here:
                        self._events.retried(candidate.name)
                    else:
                        self._events.fell_back(plan.model, candidate.name)
                attempts += 1
                tries_here += 1
                try:
                    result = await self._attempt(candidate, request, deadline, call)
                except BackendError as exc:
                    if not exc.retryable:
                        breaker.release()
                        raise
                    breaker.on_failure()
                    last = exc
                    notes.append(f"{candidate.name} failed: {exc.code.name}")
                    log.info("backend %s failed (%s); trying on", candidate.name, exc.message)
                    asked = self.cooldowns.note(candidate, exc)
                    if asked is not None:
                        cooling = min(asked, cooling or asked)
                    if exc.code in _FALL_BACK_AT_ONCE or asked is not None:
                        break  # overloaded or misconfigured: the same backend cannot help now
                    continue
                except BaseException:
                    breaker.release()
                    raise
                if position > 0 or attempts > 1:
                    notes.append(f"answered by {candidate.name} (try {attempts})")
                return Outcome(candidate, notes), result
        if last is None and refused is not None:
            raise refused
        if cooling is not None and (last is None or getattr(last, "retry_after_s", None)):
            raise all_cooling(plan.model, cooling, notes)
        if last is None:
            raise Unavailable(
                f"no backend of model {plan.model!r} may be called now: "
                + "; ".join(notes or ["the route is empty"])
            )
        raise _final(last, notes)

    async def _wait(self, seconds: float, deadline: float | None, breaker: CircuitBreaker) -> None:
        remaining = _remaining(deadline)
        if remaining is not None and remaining <= seconds:
            breaker.release()
            raise DeadlineExceeded("the deadline passed while waiting to retry the backend")
        try:
            await self._sleep(seconds)
        except BaseException:  # the caller left while the retry waited: no call, no verdict
            breaker.release()
            raise

    async def _attempt(
        self,
        candidate: Candidate,
        request: R,
        deadline: float | None,
        call: Callable[[Candidate, R], Awaitable[T]],
    ) -> T:
        """One call. The backend bounds it by its `timeout_s` and the caller's deadline (the
        conformance suite holds every adapter to that): this layer adds no timer of its own,
        it only refuses to start a call the deadline has already ended."""
        remaining = _remaining(deadline)
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded("the deadline passed before the backend could be called")
        return await call(candidate, request)


def _final(last: BackendError | None, notes: list[str]) -> ModelgwError:
    if last is None:
        return Unavailable("; ".join(notes))
    return BackendError(
        f"{last.message} (route: {'; '.join(notes)})", code=last.code, retryable=False
    )


async def _close(chunks: AsyncIterator[StreamChunk]) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        await aclose()
