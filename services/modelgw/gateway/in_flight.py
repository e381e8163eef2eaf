"""The requests of one gateway process whose audit record is not written yet.

Every request leaves exactly one record, whatever ends it. Two things can end a
request without waiting for its record: a cancelled caller (anyio, under
Starlette's streamed responses, cancels at every await, so a `shield` it is
waiting on is abandoned at once), and a server framework that cancels its
tasks at shutdown and returns without waiting for them (uvicorn does, after
its graceful-shutdown timeout). So each record is written by a task of its
own, which nobody's cancellation stops, and `close` waits for every one of
them before the audit sink may close; requests that have not started
finishing by then are recorded as cut off by the shutdown.

It also knows when the shutdown's grace period ends (`stop`): a request
cancelled from then on was cut off by the gateway, not left by its caller,
and its record says so.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable

from modelgw.gateway.trail import AuditTrail

log = logging.getLogger(__name__)


class InFlight:
    def __init__(self) -> None:
        self._open: set[AuditTrail] = set()
        self._writes: set[asyncio.Task[None]] = set()
        self._cut_off_at: float | None = None

    def add(self, trail: AuditTrail) -> None:
        self._open.add(trail)

    @property
    def cut_off(self) -> bool:
        """The shutdown's grace period is over: what is cancelled now is cut off by it."""
        return self._cut_off_at is not None and time.monotonic() >= self._cut_off_at

    async def finish(self, trail: AuditTrail, write: Callable[[], Awaitable[None]]) -> None:
        """Run `write` (settle and record) once per trail, in a task no cancellation stops."""
        if trail.finished:
            return
        trail.finished = True
        self._open.discard(trail)
        task = asyncio.ensure_future(write())
        self._writes.add(task)
        task.add_done_callback(functools.partial(self._written, trail))
        await asyncio.shield(task)

    def _written(self, trail: AuditTrail, task: asyncio.Task[None]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Said here too: the request that asked for it may have been abandoned.
            log.error(
                "the audit record of request %s was not written",
                trail.request.request_id,
                exc_info=task.exception(),
            )

    async def drain(self) -> None:
        """Nothing to report: the servers say NOT_SERVING; requests keep being served."""

    async def stop(self, grace: float) -> None:
        """The servers give their calls `grace` seconds from now; later cancels are cut-offs.

        Called before the servers' own `stop`, so the mark is never later than their cancel."""
        self._cut_off_at = time.monotonic() + grace

    async def close(self, write: Callable[[AuditTrail], Awaitable[None]]) -> None:
        """Record what is still open with `write`, then wait for every record under way."""
        self._cut_off_at = time.monotonic()
        for trail in list(self._open):
            try:
                await self.finish(trail, functools.partial(write, trail))
            except Exception:
                log.exception("recording request %s at shutdown failed", trail.request.request_id)
        while self._writes:
            await asyncio.wait(set(self._writes))
