"""The engine's memo answers a resent chat history without detection work, and its queue is
bounded: past `max_pending` a request fails closed at once instead of waiting."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from modelgw.common.config.providers import Locality
from modelgw.common.config.tenants import EntityPolicy
from modelgw.common.config.trust import DetectionExecutor, TrustConfig
from modelgw.common.errors import TrustLayerUnavailable
from modelgw.common.messages import ChatMessage, Role
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import AnalysisItem
from modelgw.trust.engine import TrustEngine


class CountingDetector:
    """Finds nothing; remembers every text it was asked about; can be held at a gate."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        self.gate.wait(10)
        self.seen.extend(text for text, _, _ in items)
        return [[] for _ in items]


EXTERNAL = frozenset({Locality.EXTERNAL})


async def test_a_replayed_chat_sends_only_each_new_turn_to_detection() -> None:
    detector = CountingDetector()
    engine = TrustEngine(TrustConfig(executor=DetectionExecutor.THREADS), detector=detector)
    turns = [f"turn {n}: Alice asked about order {n * 17}" for n in range(10)]
    try:
        for n in range(1, len(turns) + 1):
            history = [ChatMessage(Role.USER, t) for t in turns[:n]]
            await engine.protect([t.content for t in history], EntityPolicy(), EXTERNAL, tenant="t")
        assert detector.seen == turns  # each text once, when it was new
        assert engine.memo.hits == sum(range(len(turns)))
        # Another tenant's identical chat is not answered from the first tenant's memo.
        await engine.protect([turns[0]], EntityPolicy(), EXTERNAL, tenant="u")
        assert detector.seen == [*turns, turns[0]]
    finally:
        engine.close()


async def test_past_max_pending_requests_fail_closed_at_once() -> None:
    detector = CountingDetector()
    detector.gate.clear()
    config = TrustConfig(
        executor=DetectionExecutor.THREADS, workers=1, max_pending=2, deadline_ms=5000
    )
    engine = TrustEngine(config, detector=detector)
    policy = EntityPolicy()

    async def protect(text: str) -> None:
        await engine.protect([text], policy, EXTERNAL, tenant="t")

    try:
        running = asyncio.create_task(protect("first, held by the detector"))
        await asyncio.sleep(0.1)
        waiting = [asyncio.create_task(protect(f"queued {n}")) for n in range(2)]
        await asyncio.sleep(0.1)
        with pytest.raises(TrustLayerUnavailable, match="waiting for detection"):
            await asyncio.wait_for(protect("one too many"), timeout=1)
        detector.gate.set()
        await asyncio.gather(running, *waiting)
        assert "one too many" not in detector.seen
    finally:
        detector.gate.set()
        engine.close()
