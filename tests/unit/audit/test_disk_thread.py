"""The spool's disk thread: calls in order, outcomes to their waiter, nothing left hanging."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from modelgw.audit.disk_thread import DiskThread
from modelgw.audit.spool import Spool


async def test_calls_run_in_order_on_one_thread_and_errors_reach_their_waiter() -> None:
    disk = DiskThread("test-disk")
    disk.start()
    seen: list[tuple[int, str]] = []

    def note(i: int) -> int:
        seen.append((i, threading.current_thread().name))
        return i * 10

    def fail() -> None:
        raise OSError(28, "No space left on device")

    try:
        results = await asyncio.gather(*(disk.run(note, i) for i in range(20)))
        assert results == [i * 10 for i in range(20)]
        assert [i for i, _ in seen] == list(range(20))
        assert {name for _, name in seen} == {"test-disk"}
        with pytest.raises(OSError, match="No space left"):
            await disk.run(fail)
    finally:
        disk.stop()


async def test_a_cancelled_waiter_stops_waiting_not_the_call() -> None:
    disk = DiskThread("test-disk")
    disk.start()
    release, done = threading.Event(), threading.Event()

    def slow() -> str:
        release.wait(5)
        done.set()
        return "written"

    try:
        waiter = asyncio.ensure_future(disk.run(slow))
        await asyncio.sleep(0.05)
        waiter.cancel()
        release.set()
        assert await disk.run(str, 1) == "1"  # the thread went on, in order
        assert done.is_set() and waiter.cancelled()
    finally:
        disk.stop()


async def test_stop_finishes_what_was_given_and_a_stopped_thread_refuses() -> None:
    disk = DiskThread("test-disk")
    disk.start()
    ran = threading.Event()
    pending = asyncio.ensure_future(disk.run(ran.set))
    await asyncio.sleep(0)  # handed over
    disk.stop()
    assert ran.is_set()
    await pending
    with pytest.raises(RuntimeError, match="not running"):
        await disk.run(ran.set)


async def test_appending_to_a_closed_spool_fails_instead_of_hanging(tmp_path: Path) -> None:
    spool = Spool(tmp_path, 1 << 20)
    spool.open()
    await spool.append(b"kept")
    spool.close()
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(spool.append(b"after close"), timeout=5)
