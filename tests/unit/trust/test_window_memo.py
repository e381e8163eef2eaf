"""Remembered NER windows: only new ones reach the model, per tenant, with the same answer."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from modelgw.common.config.trust import NerScope, TrustConfig
from modelgw.trust.detection_plan import (
    NerUnit,
    PatternUnit,
    Plan,
    RawSpan,
    Unit,
    finish,
    make_plan,
)
from modelgw.trust.detector import Detector
from modelgw.trust.window_memo import NerWindowMemo

THRESHOLD = TrustConfig().score_threshold
TEMPLATE = (
    "Context: the northern warehouse shipped more parcels in October than in the month "
    "before, and returns fell a little. Two of the five forklifts were serviced and one "
    "conveyor belt was replaced after a fault on the night shift. The southern depot in "
    "Leeds reports stable volumes and a new routing tool in trial since the third. "
    "Overtime rose because of the seasonal peak, and the temporary staff contract ends in "
    "January. Customer complaints were mostly about delivery windows, not damage. The note "
    "was written by {name}; mention who to contact. Summarise it for the review on Friday."
)


class Spy:
    """Runs units on a real detector and records which it was given."""

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self.given: list[Unit] = []

    def __call__(self, units: Sequence[Unit]) -> list[list[RawSpan]]:
        self.given.extend(units)
        return self.detector.run_units(units)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(TrustConfig(ner_window_memo_entries=0))


def _plan(text: str, tenant: str = "acme") -> Plan:
    return make_plan([(text, (), tenant)], NerScope.WINDOWS)


def test_a_repeated_template_sends_only_its_new_windows(detector: Detector) -> None:
    memo = NerWindowMemo(100)
    spy = Spy(detector)
    first = _plan(TEMPLATE.format(name="Maria Keller"))
    memo.run(first, spy)
    windows = [u for u in first.units if isinstance(u, NerUnit)]
    assert len(windows) >= 4
    assert len(spy.given) == len(first.units)

    spy.given.clear()
    second = _plan(TEMPLATE.format(name="Jonas Berg"))
    memo.run(second, spy)
    sent = [u for u in spy.given if isinstance(u, NerUnit)]
    assert sent and all("Jonas" in u.text for u in sent), [u.text for u in sent]
    assert sum(isinstance(u, PatternUnit) for u in spy.given) == 1  # patterns read every text
    assert memo.hits == len(windows) - len(sent)


def test_remembered_windows_give_the_same_detections(detector: Detector) -> None:
    memo = NerWindowMemo(100)
    names = ["Maria Keller", "Jonas Berg", "Aylin Yilmaz", "Pieter de Vries", "Maria Keller"]
    for name in names:
        plan = _plan(TEMPLATE.format(name=name))
        remembered = finish(plan, memo.run(plan, detector.run_units), THRESHOLD)
        fresh = finish(plan, detector.run_units(plan.units), THRESHOLD)
        assert remembered == fresh
        assert any(d.entity_type == "PERSON" for d in remembered[0])
    assert memo.hits > memo.misses


def test_windows_are_remembered_per_tenant(detector: Detector) -> None:
    memo = NerWindowMemo(100)
    text = TEMPLATE.format(name="Maria Keller")
    memo.run(_plan(text, "acme"), detector.run_units)
    spy = Spy(detector)
    other = _plan(text, "globex")
    memo.run(other, spy)
    assert spy.given == other.units  # nothing acme's text left answers for globex
    assert memo.hits == 0


def test_nothing_is_remembered_from_a_failed_run(detector: Detector) -> None:
    memo = NerWindowMemo(100)
    plan = _plan(TEMPLATE.format(name="Maria Keller"))

    def failing(units: Sequence[Unit]) -> list[list[RawSpan]]:
        raise TimeoutError("a detector process missed the deadline")

    with pytest.raises(TimeoutError):
        memo.run(plan, failing)
    assert len(memo) == 0
    spy = Spy(detector)
    memo.run(plan, spy)
    assert spy.given == plan.units


def test_capacity_zero_reads_every_window(detector: Detector) -> None:
    memo = NerWindowMemo(0)
    plan = _plan(TEMPLATE.format(name="Maria Keller"))
    for _ in range(2):
        spy = Spy(detector)
        memo.run(plan, spy)
        assert spy.given == plan.units
    assert len(memo) == 0
