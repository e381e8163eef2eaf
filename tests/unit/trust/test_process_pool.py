"""The detector process pool: offsets come back, work is split, and a hung, dead or failing
worker fails the batch closed and is replaced (real processes, scripted detectors)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from modelgw.common.config.providers import Locality
from modelgw.common.config.tenants import EntityPolicy
from modelgw.common.config.trust import TrustConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.trust.detector_processes import DetectorStartError
from modelgw.trust.engine import TrustEngine
from modelgw.trust.process_pool import DetectionFailed, DetectorPool, DetectorProcessLost
from tests.unit.trust.scripted_detectors import CRASH, HANG, RAISE, failing_start, scripted

LONG = " ".join(f"Alice wrote report {n} for the Boston office." for n in range(40))


def _pool(workers: int, deadline_ms: int = 2000, *, fork: bool = True) -> DetectorPool:
    config = TrustConfig(workers=workers, deadline_ms=deadline_ms, fork_workers=fork)
    return DetectorPool(config, factory=scripted)


@pytest.fixture(params=[True, False], ids=["forked", "spawned"])
def one_worker(request: pytest.FixtureRequest) -> Iterator[DetectorPool]:
    """Both ways a worker starts: forked from the zygote (the default) and spawned."""
    pool = _pool(1, deadline_ms=400, fork=request.param)
    yield pool
    pool.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a killed child not yet reaped is a zombie
        return stat.read().split(")")[-1].split()[0] != "Z"


def _wait_for_new_worker(pool: DetectorPool, old: list[int], timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = pool.worker_pids()
        if pids and pids != old:
            return pids
        time.sleep(0.05)
    raise AssertionError("no replacement worker started")


def test_spans_come_back_in_original_offsets() -> None:
    pool = _pool(2)
    try:
        [found] = pool.analyze_items([("Hi, I\u200b am Alice.", (), "t")])
        assert [(d.entity_type, d.start, d.end) for d in found] == [("PERSON", 10, 15)]
        assert pool.analyze_items([("   ", (), "t")]) == [[]]
    finally:
        pool.close()


def test_windows_read_before_are_not_sent_again() -> None:
    pool = _pool(1)
    forgetful = DetectorPool(TrustConfig(workers=1, ner_window_memo_entries=0), factory=scripted)
    filler = "the weekly note says that the parcels left on time and the returns fell a little"
    texts = [f"Alice wrote it: {filler}, with {n} late ones." for n in range(3)]
    try:
        for text in texts:
            assert pool.analyze_items([(text, (), "t")]) == forgetful.analyze_items(
                [(text, (), "t")]
            )
        assert pool.windows.hits >= 2  # `Alice wrote it:` came back from the memo
        assert forgetful.windows.hits == 0
    finally:
        pool.close()
        forgetful.close()


def test_a_long_text_is_split_across_idle_workers_with_the_same_result() -> None:
    pool = _pool(2)
    single = _pool(1)
    try:
        split = pool.analyze_items([(LONG, (), "t")])
        assert split == single.analyze_items([(LONG, (), "t")])
        assert len(split[0]) == 40
        assert len(pool.worker_pids()) == 2
        assert all(w.jobs == 1 for w in pool._live)  # both workers read part of it
    finally:
        pool.close()
        single.close()


def test_a_hung_worker_is_killed_after_the_deadline_and_replaced(one_worker: DetectorPool) -> None:
    [old] = one_worker.worker_pids()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        one_worker.analyze_items([(f"Alice says {HANG}", (), "t")])
    assert time.monotonic() - started < 2.0
    assert one_worker.replaced == 1
    new = _wait_for_new_worker(one_worker, [old])
    assert new != [old]
    deadline = time.monotonic() + 5
    while _alive(old) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(old)
    [found] = one_worker.analyze_items([("Alice is back", (), "t")])
    assert [(d.start, d.end) for d in found] == [(0, 5)]


def test_a_worker_that_dies_fails_the_batch_and_is_replaced(one_worker: DetectorPool) -> None:
    [old] = one_worker.worker_pids()
    with pytest.raises(DetectorProcessLost):
        one_worker.analyze_items([(f"Alice {CRASH}", (), "t")])
    _wait_for_new_worker(one_worker, [old])
    assert one_worker.analyze_items([("Alice", (), "t")])[0][0].entity_type == "PERSON"


def test_a_detector_error_comes_back_by_type_only_and_keeps_the_worker(
    one_worker: DetectorPool,
) -> None:
    [old] = one_worker.worker_pids()
    with pytest.raises(DetectionFailed) as caught:
        one_worker.analyze_items([(f"Alice 555-0100 {RAISE}", (), "t")])
    assert "ValueError" in str(caught.value)
    assert "555-0100" not in str(caught.value)
    assert one_worker.replaced == 0 and one_worker.worker_pids() == [old]
    assert one_worker.analyze_items([("Alice", (), "t")])[0]


def test_a_worker_that_cannot_build_its_detector_fails_the_start() -> None:
    with pytest.raises(DetectorStartError, match="model files are missing"):
        DetectorPool(TrustConfig(workers=1), factory=failing_start)


EXTERNAL = frozenset({Locality.EXTERNAL})


async def test_the_engine_fails_closed_on_a_hung_worker_and_then_recovers(
    one_worker: DetectorPool,
) -> None:
    engine = TrustEngine(TrustConfig(workers=1, deadline_ms=400), detector=one_worker)
    policy = EntityPolicy()
    old = one_worker.worker_pids()
    try:
        with pytest.raises(TrustLayerUnavailable, match="fail closed"):
            await engine.protect([f"Alice {HANG}"], policy, EXTERNAL, tenant="t")
        _wait_for_new_worker(one_worker, old)
        result = await engine.protect(["Alice again"], policy, EXTERNAL, tenant="t")
        assert result.by_locality[Locality.EXTERNAL].texts == ("<PERSON_1> again",)
    finally:
        engine.close()
