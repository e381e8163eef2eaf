"""One tenant's long text cannot hold up another's short one (#12 finding 5).

A 950 KB message from tenant B used to delay tenant A's 45-character message
by 12.6 s: it was one item, run whole by one worker. Now long texts are cut
into overlapping chunks, the queue is per tenant and batches are filled one
item per tenant in turn, with a cap on the characters per batch. The order in
which a fake detector sees the work shows it; no clock is involved.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Sequence

import pytest

from modelgw.common.config.tenants import EntityPolicy
from modelgw.common.config.trust import DetectionExecutor, TrustConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.trust.chunks import merge, split
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import AnalysisItem
from modelgw.trust.engine import TrustEngine

SMALL = "Call Alice about the invoice today, please."


class OrderingDetector:
    """Finds 'Alice' by string search; records the order of the texts it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.started = threading.Event()
        self.gate = threading.Event()

    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        self.started.set()
        self.gate.wait(10)
        out = []
        for text, _, _ in items:
            self.seen.append(text)
            at = text.find("Alice")
            out.append([Detection("PERSON", at, at + 5, 0.9)] if at >= 0 else [])
        return out


def _engine(detector: OrderingDetector, **config: object) -> TrustEngine:
    settings = TrustConfig(
        executor=DetectionExecutor.THREADS,
        workers=1,
        deadline_ms=10_000,
        chunk_chars=2048,
        batch_chars=4096,
        **config,  # type: ignore[arg-type]  # test overrides of known TrustConfig fields
    )
    return TrustEngine(settings, detector=detector)


async def test_a_short_text_is_served_between_the_chunks_of_another_tenants_long_one() -> None:
    detector = OrderingDetector()
    engine = _engine(detector)
    long_text = ("lorem ipsum dolor sit amet " * 4000) + "Alice"  # ~108 KB: ~60 chunks
    try:
        detector.gate.clear()
        big = asyncio.create_task(engine.detect([long_text], EntityPolicy(), tenant="b"))
        await asyncio.to_thread(detector.started.wait, 5)  # b's first batch holds the worker
        small = asyncio.create_task(engine.detect([SMALL], EntityPolicy(), tenant="a"))
        await asyncio.sleep(0.05)  # a's text is queued behind b's first batch only
        detector.gate.set()
        (found,) = await small
        ((at_end,),) = await big
    finally:
        detector.gate.set()
        engine.close()
    assert [d.entity_type for d in found] == ["PERSON"]
    assert long_text[at_end.start : at_end.end] == "Alice"  # chunk offsets mapped back
    position = detector.seen.index(SMALL)
    chunks_of_b = len(detector.seen) - 1
    assert chunks_of_b > 20
    # Only what was already running or batched with it went first: at most two batches
    # of b's chunks (4096 characters each, about two chunks), never all of them.
    assert position <= 4, f"the short text waited behind {position} of {chunks_of_b} chunks"


async def test_a_tenant_that_floods_the_queue_is_refused_alone() -> None:
    detector = OrderingDetector()
    engine = _engine(detector, max_pending=8)
    flood = "word " * 20_000  # ~60 chunks of 2 KB: more than b may queue
    try:
        detector.gate.clear()
        first = asyncio.create_task(engine.detect(["warm up"], EntityPolicy(), tenant="a"))
        await asyncio.to_thread(detector.started.wait, 5)
        with pytest.raises(TrustLayerUnavailable, match="of this tenant are waiting"):
            await engine.detect([flood], EntityPolicy(), tenant="b")
        small = asyncio.create_task(engine.detect([SMALL], EntityPolicy(), tenant="a"))
        detector.gate.set()
        await first
        (found,) = await small
        assert [d.entity_type for d in found] == ["PERSON"]
    finally:
        detector.gate.set()
        engine.close()


def test_chunks_overlap_so_every_short_value_lies_whole_in_one() -> None:
    text = ("x" * 97 + " ") * 300  # 30 000 characters, a space every 98
    bounds = split(text, size=2048, overlap=256)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    for (_, end), (start, _) in itertools.pairwise(bounds):
        assert end - start == 256  # consecutive chunks share exactly the overlap
    for value_start in range(0, len(text) - 256, 37):
        value_end = value_start + 256
        assert any(s <= value_start and value_end <= e for s, e in bounds)


def test_a_value_cut_at_a_chunk_edge_is_kept_whole_from_the_neighbour() -> None:
    cut = Detection("EMAIL_ADDRESS", 100, 108, 0.9)  # the part at chunk 0's end
    whole = Detection("EMAIL_ADDRESS", 10, 30, 0.9)  # the same value, chunk 1 (offset 90)
    merged = merge([(0, [cut]), (90, [whole])])
    assert merged == [Detection("EMAIL_ADDRESS", 100, 120, 0.9)]
