"""The sender lets a batch fill (`audit.spool.batch_wait_s`), but never at a drain's expense.

Delivering each record as it arrived cost a store transaction and a cursor fsync per
request at low concurrency; the wait shares one among the records of that moment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from modelgw.audit.pacing import AT_ONCE, BACKGROUND
from modelgw.audit.sender import SpoolSender
from modelgw.audit.spool import Spool
from modelgw.common.config.audit import SpoolConfig
from tests.unit.audit.test_spool import FlakyTarget


def _spool(path: Path) -> Spool:
    spool = Spool(path, 1 << 20)
    spool.open()
    return spool


async def _wait_for(condition: Callable[[], object], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "not delivered in time"
        await asyncio.sleep(0.01)


def test_the_default_waits_a_quarter_second() -> None:
    assert SpoolConfig().batch_wait_s == 0.25


async def test_records_of_one_moment_share_one_delivery(tmp_path: Path) -> None:
    spool, target = _spool(tmp_path), FlakyTarget()
    sender = SpoolSender(spool, target, batch_size=100, retry_max_s=0.05, batch_wait_s=2.0)
    task = asyncio.create_task(sender.run())
    try:
        for i in range(5):
            await spool.append(f"r{i}".encode())
            await asyncio.sleep(0.01)
        assert not target.batches, "delivered before the batch could fill"
        await _wait_for(lambda: target.batches, timeout_s=5.0)
        assert target.batches == [[f"r{i}".encode() for i in range(5)]]
    finally:
        task.cancel()
    spool.close()


async def test_a_drain_does_not_wait_for_the_batch_to_fill(tmp_path: Path) -> None:
    spool, target = _spool(tmp_path), FlakyTarget()
    sender = SpoolSender(spool, target, batch_size=100, retry_max_s=0.05, batch_wait_s=30.0)
    task = asyncio.create_task(sender.run())
    try:
        await spool.append(b"r0")
        await asyncio.sleep(0.05)  # the sender is waiting for more by now
        started = time.monotonic()
        assert await sender.drain(10.0)
        assert time.monotonic() - started < 5.0
        await spool.append(b"r1")  # while nobody drains, it waits again
        await asyncio.sleep(0.2)
        assert target.batches == [[b"r0"]]
    finally:
        task.cancel()
    spool.close()


async def test_records_that_waited_long_enough_already_go_at_once(tmp_path: Path) -> None:
    """A backlog (the store was down, or the gateway restarted) is not held back again."""
    spool, target = _spool(tmp_path), FlakyTarget()
    for i in range(3):
        await spool.append(f"r{i}".encode())
    await asyncio.sleep(1.05)
    sender = SpoolSender(spool, target, batch_size=100, retry_max_s=0.05, batch_wait_s=1.0)
    task = asyncio.create_task(sender.run())
    try:
        started = time.monotonic()
        await _wait_for(lambda: target.batches, timeout_s=5.0)
        assert time.monotonic() - started < 0.7  # not another second
        assert target.batches == [[b"r0", b"r1", b"r2"]]
    finally:
        task.cancel()
    spool.close()


async def test_a_sender_pauses_for_requests_only_while_it_keeps_up(tmp_path: Path) -> None:
    """`BACKGROUND` for a batch of this moment, `AT_ONCE` for records older than the batch
    wait and `behind_s` (a backlog), and while someone drains. (`behind_s` is 1 s here, not
    `BEHIND_S`, so that a loaded machine's scheduling delays cannot make `new` a backlog.)"""
    spool, target = _spool(tmp_path), FlakyTarget()
    await spool.append(b"old")
    await asyncio.sleep(0.05 + 1.0 + 0.1)  # older than the wait and the slack
    sender = SpoolSender(
        spool, target, batch_size=100, retry_max_s=0.05, batch_wait_s=0.05, behind_s=1.0
    )
    task = asyncio.create_task(sender.run())
    try:
        await _wait_for(lambda: target.batches, timeout_s=5.0)
        await spool.append(b"new")
        await _wait_for(lambda: len(target.batches) == 2, timeout_s=5.0)
        await spool.append(b"drained")
        assert await sender.drain(5.0)
        assert target.pacings == [AT_ONCE, BACKGROUND, AT_ONCE]
    finally:
        task.cancel()
    spool.close()
