"""Batch concurrent detection work onto a few worker threads, fairly across tenants.

Requests that arrive while the workers are busy wait in a queue and the next
free worker takes several at once (up to `max_batch` items and `max_cost`
characters), so the NER model runs one `pipe` over many texts instead of one
call per text. A lone request runs at once: batching never adds latency when
the engine is idle.

Each tenant (any `key`) waits in a queue of its own, and a batch is filled
round-robin, one item per tenant in turn. Large texts arrive already cut into
chunks (see `modelgw.trust.chunks`), so one tenant sending a megabyte is many
small items: another tenant's short message goes into the next batch instead
of waiting behind all of them, and the cost cap keeps any batch short.
`max_pending` bounds each tenant's own queue: a flood fails closed for the
tenant that sends it, not for everyone.
"""

from __future__ import annotations

import asyncio
import collections
import functools
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class QueueFull(RuntimeError):
    """More items are waiting than the batcher may hold for this key."""


@dataclass(slots=True)
class _Waiting(Generic[Item, Result]):
    item: Item
    cost: int
    future: asyncio.Future[Result]


class Batcher(Generic[Item, Result]):
    def __init__(
        self,
        work: Callable[[Sequence[Item]], list[Result]],
        executor: Executor,
        *,
        workers: int,
        max_batch: int,
        max_pending: int | None = None,
        max_cost: int | None = None,
    ) -> None:
        self._work = work
        self._executor = executor
        self._workers = workers
        self._max_batch = max_batch
        self._max_pending = max_pending
        self._max_cost = max_cost
        self._queues: collections.OrderedDict[
            Hashable, collections.deque[_Waiting[Item, Result]]
        ] = collections.OrderedDict()
        self._running = 0
        self.batches = 0

    @property
    def pending(self) -> int:
        """Items waiting for a worker, all keys together."""
        return sum(len(q) for q in self._queues.values())

    async def run(
        self, items: Sequence[Item], *, key: Hashable = None, costs: Sequence[int] | None = None
    ) -> list[Result]:
        """Results for `items` in order; an exception in their batch is raised here.

        Raises `QueueFull` at once when `items` would take `key`'s queue past
        `max_pending`: a bounded wait, not an ever-growing backlog that misses every
        deadline.
        """
        if not items:
            return []
        queue = self._queues.get(key)
        waiting = len(queue) if queue is not None else 0
        if self._max_pending is not None and waiting + len(items) > self._max_pending:
            raise QueueFull(f"{waiting} items are already waiting")
        loop = asyncio.get_running_loop()
        entries = [
            _Waiting[Item, Result](item, costs[i] if costs else 1, loop.create_future())
            for i, item in enumerate(items)
        ]
        if queue is None:
            queue = self._queues[key] = collections.deque()
        queue.extend(entries)
        self._dispatch(loop)
        return list(await asyncio.gather(*(e.future for e in entries)))

    def _next_batch(self) -> list[_Waiting[Item, Result]]:
        """Up to `max_batch` items (and `max_cost`), one per key in turn; skips abandoned ones."""
        batch: list[_Waiting[Item, Result]] = []
        cost = 0
        while self._queues and len(batch) < self._max_batch:
            key, queue = next(iter(self._queues.items()))
            entry = queue.popleft()
            if queue:
                self._queues.move_to_end(key)  # the next item comes from the next key
            else:
                del self._queues[key]
            if entry.future.done():
                continue  # the caller gave up (deadline); nothing to compute
            if batch and self._max_cost is not None and cost + entry.cost > self._max_cost:
                self._queues.setdefault(key, collections.deque()).appendleft(entry)
                self._queues.move_to_end(key, last=False)
                break
            batch.append(entry)
            cost += entry.cost
        return batch

    def _dispatch(self, loop: asyncio.AbstractEventLoop) -> None:
        while self._queues and self._running < self._workers:
            batch = self._next_batch()
            if not batch:
                continue
            self._running += 1
            self.batches += 1
            job = loop.run_in_executor(self._executor, self._work, [e.item for e in batch])
            job.add_done_callback(functools.partial(self._finished, loop, batch))

    def _finished(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[_Waiting[Item, Result]],
        done: asyncio.Future[list[Result]],
    ) -> None:
        self._running -= 1
        error = done.exception() if not done.cancelled() else asyncio.CancelledError()
        for index, entry in enumerate(batch):
            if entry.future.done():
                continue  # the caller gave up (deadline); nothing to deliver
            if error is not None:
                entry.future.set_exception(error)
            else:
                entry.future.set_result(done.result()[index])
        self._dispatch(loop)
