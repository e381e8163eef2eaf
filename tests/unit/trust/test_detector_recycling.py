"""Detector processes are recycled (#18 finding 7): after `recycle_after_texts` texts or above
`recycle_above_rss_mib`, a successor starts, the old process leaves once idle, and no request
in flight meanwhile fails (real processes, scripted detectors)."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from modelgw.common.config.trust import TrustConfig
from modelgw.trust.process_pool import DetectorPool
from tests.unit.trust.scripted_detectors import scripted, slow_start

DEADLINE_MS = 10_000
"""A successor's start takes CPU from the serving processes; on a loaded 2-core machine a
batch may take longer meanwhile, and this test is about failures, not latency."""


def _hammer(pool: DetectorPool, until: threading.Event, failures: list[BaseException]) -> int:
    """Ask for detections without pause until `until` is set; the number answered."""
    done = 0
    while not until.is_set():
        try:
            [found] = pool.analyze_items([(f"Alice wrote {done}", (), "t")])
            assert [(d.entity_type, d.start, d.end) for d in found] == [("PERSON", 0, 5)]
            done += 1
        except BaseException as exc:
            failures.append(exc)
            return done
    return done


def _run_until_recycled(pool: DetectorPool, workers: int, times: int, within_s: float = 90) -> int:
    """As many threads as workers ask without pause (as the trust engine drives the pool)."""
    until = threading.Event()
    failures: list[BaseException] = []
    most_live = 0
    with ThreadPoolExecutor(workers) as threads:
        answered = [threads.submit(_hammer, pool, until, failures) for _ in range(workers)]
        give_up = time.monotonic() + within_s
        while pool.recycled < times and time.monotonic() < give_up and not failures:
            most_live = max(most_live, len(pool.worker_pids()))
            time.sleep(0.02)
        until.set()
        total = sum(f.result() for f in answered)
    assert not failures, f"requests failed during recycling: {failures[:3]}"
    assert pool.recycled >= times, f"recycled {pool.recycled} times in {within_s} s"
    assert most_live <= workers + 1, "one successor at a time: at most workers + 1 processes"
    return total


def test_a_worker_is_recycled_after_n_texts_and_requests_meanwhile_all_succeed() -> None:
    pool = DetectorPool(
        TrustConfig(
            workers=2, recycle_after_texts=20, recycle_above_rss_mib=0, deadline_ms=DEADLINE_MS
        ),
        factory=scripted,
    )
    try:
        first = set(pool.worker_pids())
        answered = _run_until_recycled(pool, 2, times=3)
        assert answered > 60
        assert pool.replaced == 0, "recycling is not a failure"
        deadline = time.monotonic() + 10
        while len(pool.worker_pids()) != 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        now = set(pool.worker_pids())
        assert len(now) == 2, "the pool keeps its size"
        assert now != first
        assert pool.analyze_items([("Alice again", (), "t")])[0][0].entity_type == "PERSON"
    finally:
        pool.close()


def test_a_worker_above_the_memory_limit_is_recycled() -> None:
    pool = DetectorPool(
        TrustConfig(
            workers=1, recycle_after_texts=0, recycle_above_rss_mib=1, deadline_ms=DEADLINE_MS
        ),
        factory=scripted,
    )
    try:
        [first] = pool.worker_pids()
        _run_until_recycled(pool, 1, times=1)
        assert first not in pool.worker_pids()
    finally:
        pool.close()


def _detector_children() -> list[int]:
    """Pids of this process's live (not zombie) detector processes, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # not a process, or gone meanwhile
        state, ppid = fields[0], int(fields[1])
        if ppid == os.getpid() and state != "Z" and b"modelgw.trust.detector_worker" in cmdline:
            found.append(int(entry.name))
    return found


def test_closing_while_a_successor_starts_stops_it_and_raises_in_no_thread() -> None:
    """(Spawned workers; `test_detector_zygote` races `close` with a zygote's start.)
    `close` and the recycle thread both owned a starting successor: both closed its
    connection, and once (in CI) the thread died of EBADF. Now `close` only kills it and the
    thread that owns it stops it. Close the pool while a successor is surely starting: no
    detector process may outlive the pool, and no background thread may raise."""
    raised: list[BaseException | None] = []
    before = threading.excepthook
    threading.excepthook = lambda args: raised.append(args.exc_value)
    try:
        for _ in range(3):
            others = set(_detector_children())  # other tests' pools in this process
            pool = DetectorPool(
                TrustConfig(
                    workers=1,
                    recycle_after_texts=1,
                    recycle_above_rss_mib=0,
                    deadline_ms=DEADLINE_MS,
                    fork_workers=False,  # a forked successor is ready at once: nothing to race
                ),
                factory=slow_start,
            )
            pool.analyze_items([("Alice", (), "t")])  # due: a successor starts, ready after 1 s
            deadline = time.monotonic() + 10
            while len(set(_detector_children()) - others) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(set(_detector_children()) - others) == 2, "the successor is starting"
            pool.close()
            for thread in threading.enumerate():
                if thread.name.startswith("trust-detector"):
                    thread.join(30)
            assert set(_detector_children()) - others == set()
    finally:
        threading.excepthook = before
    assert raised == []
