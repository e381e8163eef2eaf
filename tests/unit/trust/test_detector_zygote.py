"""Workers forked from the detector zygote: they share its pages, a lost zygote is started
again, and nothing outlives the pool (real processes; scripted detectors, and the real model
where memory is the point)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from modelgw.common.config.trust import TrustConfig
from modelgw.trust import forked_process
from modelgw.trust.process_pool import DetectorPool, DetectorProcessLost
from tests.reliability.proc_stats import descendants
from tests.unit.trust.scripted_detectors import CRASH, scripted, slow_start


def _ppid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _descendants() -> set[int]:
    """Live (not zombie) processes below this one."""
    return set(descendants(os.getpid()))


def _private_and_rss_mib(pid: int) -> tuple[float, float]:
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, kib, *_ = line.split()
        values[name.rstrip(":")] = int(kib)
    private = values["Private_Clean"] + values["Private_Dirty"]
    return private / 1024, values["Rss"] / 1024


def _await(condition: Callable[[], bool], within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def _until_gone(pids: set[int], within_s: float = 10) -> set[int]:
    _await(lambda: not (pids & _descendants()), within_s)
    return pids & _descendants()


def test_workers_are_forked_from_the_zygote_and_leave_with_the_pool() -> None:
    before = _descendants()
    pool = DetectorPool(TrustConfig(workers=2), factory=scripted)
    try:
        zygote = pool.zygote_pid()
        assert zygote is not None
        workers = pool.worker_pids()
        assert len(workers) == 2
        assert [_ppid(pid) for pid in workers] == [zygote, zygote]
        [found] = pool.analyze_items([("Alice wrote", (), "t")])
        assert [(d.entity_type, d.start, d.end) for d in found] == [("PERSON", 0, 5)]
        ours = _descendants() - before
        assert ours == {zygote, *workers}
    finally:
        pool.close()
    assert _until_gone(ours) == set(), "a detector process outlived the pool"


def test_a_lost_zygote_is_started_again_for_the_next_replacement() -> None:
    pool = DetectorPool(TrustConfig(workers=1, deadline_ms=2000), factory=scripted)
    try:
        old_zygote = pool.zygote_pid()
        assert old_zygote is not None
        [old_worker] = pool.worker_pids()
        os.kill(old_zygote, signal.SIGKILL)
        # The worker serves on without its zygote.
        assert pool.analyze_items([("Alice", (), "t")])[0][0].entity_type == "PERSON"
        with pytest.raises(DetectorProcessLost):
            pool.analyze_items([(f"Alice {CRASH}", (), "t")])
        _await(lambda: pool.worker_pids() not in ([], [old_worker]))
        [new_worker] = pool.worker_pids()
        new_zygote = pool.zygote_pid()
        assert new_worker != old_worker
        assert new_zygote not in (None, old_zygote)
        assert _ppid(new_worker) == new_zygote
        assert pool.analyze_items([("Alice", (), "t")])[0][0].entity_type == "PERSON"
        assert pool.replaced == 1
    finally:
        pool.close()


def test_closing_while_a_zygote_starts_leaves_no_process_and_raises_in_no_thread() -> None:
    """The replacement thread is loading a new zygote (1 s) when the pool closes: `close`
    stops it, the thread gives up quietly, and no detector process is left."""
    raised: list[BaseException | None] = []
    before_hook = threading.excepthook
    threading.excepthook = lambda args: raised.append(args.exc_value)
    before = _descendants()
    try:
        pool = DetectorPool(TrustConfig(workers=1, deadline_ms=5000), factory=slow_start)
        zygote = pool.zygote_pid()
        assert zygote is not None
        os.kill(zygote, signal.SIGKILL)
        with pytest.raises(DetectorProcessLost):
            pool.analyze_items([(f"Alice {CRASH}", (), "t")])
        _await(lambda: pool.zygote_pid() not in (None, zygote), within_s=10)
        assert pool.zygote_pid() not in (None, zygote), "a new zygote is starting"
        pool.close()
        for thread in threading.enumerate():
            if thread.name.startswith("trust-detector"):
                thread.join(30)
        assert _until_gone(_descendants() - before) == set()
    finally:
        threading.excepthook = before_hook
    assert raised == []


def test_forked_workers_share_the_model_pages() -> None:
    """The point of the zygote: with the real model, each worker owns a small part of what
    it maps (a spawned worker owns nearly all of its ~200 MiB)."""
    pool = DetectorPool(TrustConfig(workers=2))
    try:
        for n in range(20):
            text = f"Dear Ms Kowalska, call me on +44 20 7946 0{n:03d} about Leeds."
            pool.analyze_items([(text, (), "t")])
        for pid in pool.worker_pids():
            private, rss = _private_and_rss_mib(pid)
            assert rss > 100, f"worker {pid}: {rss:.0f} MiB resident; is the model loaded?"
            assert private < 0.35 * rss, f"worker {pid} owns {private:.0f} of {rss:.0f} MiB"
    finally:
        pool.close()


def test_where_the_kernel_refuses_pidfd_the_workers_are_spawned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A container's seccomp profile may refuse `pidfd_open`: the pool must still start, with
    workers that load their own model, rather than fail the gateway's start."""

    def refused(pid: int, flags: int = 0) -> int:
        raise PermissionError(1, "Operation not permitted")

    forked_process.supported.cache_clear()
    monkeypatch.setattr(os, "pidfd_open", refused)
    try:
        pool = DetectorPool(TrustConfig(workers=1), factory=scripted)
        try:
            assert pool.zygote_pid() is None
            [worker] = pool.worker_pids()
            assert _ppid(worker) == os.getpid()
            assert pool.analyze_items([("Alice", (), "t")])[0][0].entity_type == "PERSON"
        finally:
            pool.close()
    finally:
        forked_process.supported.cache_clear()


def test_a_forked_process_is_watched_past_descriptor_1024() -> None:
    """`select()` refuses descriptors above 1023; a gateway with many connections has them."""
    import resource

    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 1200:
        pytest.skip("this process may not open 1,200 descriptors")
    pid = os.fork()
    if pid == 0:  # a child that waits to be killed
        time.sleep(60)
        os._exit(0)
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        process = forked_process.ForkedProcess(pid)
        assert process._pidfd > 1024
        assert process.poll() is None
        process.kill()
        assert process.wait(10) == -1
        process.close()
    finally:
        for fd in held:
            os.close(fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
