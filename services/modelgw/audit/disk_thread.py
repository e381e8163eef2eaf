"""A thread of its own for the spool's blocking disk calls (write + fsync), one at a time.

Each request's audit record is fsynced off the event loop before the request is
answered, so at low concurrency every request pays one hand-off to a thread and
back. Through `asyncio.to_thread` that hand-off costs about 100 µs of CPU after
an idle moment (an executor work item, a `concurrent.futures.Future` with its
condition variable, futures chained both ways, a context copy); a queue read by
one long-lived thread, answering with `call_soon_threadsafe`, costs about a
third of that. Calls run in the order given, which the spool relies on anyway
(one group commit at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from queue import SimpleQueue
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    """On the loop: hand over the outcome, unless the waiter gave up (cancelled)."""
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class DiskThread:
    def __init__(self, name: str) -> None:
        self._name = name
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """A daemon thread: a process that exits without closing its spool does not hang on
        it. A write cut off that way was never acknowledged (its request was not answered),
        and the spool drops the torn frame it leaves when it next opens."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Finish the calls already given, then end the thread."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join()

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` on the thread; its result or exception here. A waiter that is
        cancelled stops waiting, not the call (as with `asyncio.to_thread`)."""
        if self._thread is None:
            raise RuntimeError(f"{self._name} is not running")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((loop, future, function, args))
        return await future

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            loop, future, function, args = job
            result: Any = None
            error: BaseException | None = None
            try:
                result = function(*args)
            except BaseException as exc:  # handed to the waiter, who decides
                error = exc
            # A closed loop raises RuntimeError: nobody is waiting there any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, future, result, error)
