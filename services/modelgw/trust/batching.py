"""Batch concurrent detection work onto a few worker threads.

Requests that arrive while the workers are busy wait in a queue and the next
free worker takes all of them (up to `max_batch`) at once, so the NER model
runs one `pipe` over many texts instead of one call per text. A lone
request runs at once: batching never adds latency when the engine is idle.
"""

from __future__ import annotations

import asyncio
import collections
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class QueueFull(RuntimeError):
    """More items are waiting than the batcher may hold."""


class Batcher(Generic[Item, Result]):
    def __init__(
        self,
        work: Callable[[Sequence[Item]], list[Result]],
        executor: Executor,
        *,
        workers: int,
        max_batch: int,
        max_pending: int | None = None,
    ) -> None:
        self._work = work
        self._executor = executor
        self._workers = workers
        self._max_batch = max_batch
        self._max_pending = max_pending
        self._queue: collections.deque[tuple[Item, asyncio.Future[Result]]] = collections.deque()
        self._running = 0
        self.batches = 0

    async def run(self, items: Sequence[Item]) -> list[Result]:
        """Results for `items` in order; an exception in the batch is raised here.

        Raises `QueueFull` at once when `items` would take the queue past `max_pending`:
        a bounded wait, not an ever-growing backlog that misses every deadline.
        """
        if not items:
            return []
        if self._max_pending is not None and len(self._queue) + len(items) > self._max_pending:
            raise QueueFull(f"{len(self._queue)} items are already waiting")
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Result]] = [loop.create_future() for _ in items]
        self._queue.extend(zip(items, futures, strict=True))
        self._dispatch(loop)
        return list(await asyncio.gather(*futures))

    def _dispatch(self, loop: asyncio.AbstractEventLoop) -> None:
        while self._queue and self._running < self._workers:
            size = min(len(self._queue), self._max_batch)
            batch = [self._queue.popleft() for _ in range(size)]
            batch = [(item, fut) for item, fut in batch if not fut.done()]
            if not batch:
                continue
            self._running += 1
            self.batches += 1
            job = loop.run_in_executor(self._executor, self._work, [item for item, _ in batch])
            job.add_done_callback(functools.partial(self._finished, loop, batch))

    def _finished(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[tuple[Item, asyncio.Future[Result]]],
        done: asyncio.Future[list[Result]],
    ) -> None:
        self._running -= 1
        error = done.exception() if not done.cancelled() else asyncio.CancelledError()
        for index, (_, future) in enumerate(batch):
            if future.done():
                continue  # the caller gave up (deadline); nothing to deliver
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(done.result()[index])
        self._dispatch(loop)
