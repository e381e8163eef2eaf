"""Detection cut into units and put back: any split across workers gives the same detections."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.common.config.trust import NerScope, TrustConfig
from modelgw.trust import pattern_parts
from modelgw.trust.detection_plan import (
    NerUnit,
    PatternUnit,
    finish,
    in_parts,
    joined,
    make_plan,
    remove_contained,
    shard,
)
from tests.unit.trust.scripted_detectors import ScriptedRunner

TEXTS = [
    "Alice wrote to Bob in Boston about the renewal. " * 12,
    "Hi, I\u200b am Alice, card 4111\u20221111\u20221111\u20221111.",
    "",
    "   ",
    "ALICE SMITH called; Alice called back. IBAN GB29 NWBK 6016 1331 9268 19.",
]


@given(st.lists(st.integers(1, 5000), max_size=40), st.integers(1, 8))
@settings(max_examples=200, deadline=None)
def test_shards_cover_every_unit_once_and_balance(lengths: list[int], shards: int) -> None:
    units = [NerUnit("x" * n) if i % 2 else PatternUnit("y" * n) for i, n in enumerate(lengths)]
    groups = shard(units, shards)
    assert sorted(i for g in groups for i in g) == list(range(len(units)))
    assert len(groups) <= max(1, min(shards, len(units)))
    assert all(groups)


def test_any_split_gives_the_same_detections() -> None:
    items = [(t, (), "t") for t in TEXTS]
    plan = make_plan(items, NerScope.WINDOWS)
    runner = ScriptedRunner()
    whole = finish(plan, runner.run_units(plan.units), 0.4)
    assert [len(found) for found in whole] == [12, 1, 0, 0, 2]
    rng = random.Random(3)
    for shards in range(2, 6):
        results: list[list] = [[] for _ in plan.units]
        groups = shard(plan.units, shards)
        rng.shuffle(groups)  # workers answer in any order
        for group in groups:
            for index, spans in zip(
                group, runner.run_units([plan.units[i] for i in group]), strict=True
            ):
                results[index] = spans
        assert finish(plan, results, 0.4) == whole


def test_the_pool_finds_what_the_in_process_detector_finds(trust_engine) -> None:
    """The real model in worker processes (the session engine's pool) against an in-process one."""
    from modelgw.trust.detector import Detector
    from modelgw.trust.process_pool import DetectorPool

    pool = trust_engine.detector
    assert isinstance(pool, DetectorPool)
    texts = [
        "Hi, I am John Smith from Boston; mail john.smith@example.com, call +1 415-555-0132.",
        "JOHN SMITH paid with 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00.",
        " ".join(f"Maria Garcia met Kevin Scott in Toronto, ticket {n}." for n in range(30)),
        "password=hunter2!x and key AKIAIOSFODNN7EXAMPLE on 10.0.0.12",
    ]
    items = [(t, (), "t") for t in texts]
    in_process = Detector(TrustConfig())
    assert pool.analyze_items(items) == in_process.analyze_items(items)
    assert pool.analyze_items(items[2:3]) == in_process.analyze_items(items[2:3])  # split


def test_a_prompt_whose_windows_were_read_is_cut_across_the_pool(
    trust_engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second prompt repeats the first's NER windows (remembered), so its pattern
    recognizers are the batch: the pool cuts them over both processes, and finds what the
    in-process detector finds."""
    from modelgw.trust.detector import Detector
    from modelgw.trust.process_pool import DetectorPool

    pool = trust_engine.detector
    assert isinstance(pool, DetectorPool)
    sent: list[list[object]] = []
    real_run = pool._run

    def run(workers, groups, units, deadline):  # a spy with `_run`'s signature
        sent.append(list(units))
        return real_run(workers, groups, units, deadline)

    monkeypatch.setattr(pool, "_run", run)
    frame = (
        "Hello, this is Maria Kowalska from the Leeds office about ticket {n} and the "
        "shipment to 14 Mill Lane, Leeds LS1 4AB; call +44 113 496 0{n:03d} or write to "
        "m.kowalska@example.com before Friday. " * 3
    )
    first, second = frame.format(n=101), frame.format(n=202)
    assert pool.analyze_items([(first, (), "cut-test")])
    found = pool.analyze_items([(second, (), "cut-test")])
    parts = [u for u in sent[-1] if isinstance(u, PatternUnit)]
    assert [(u.part, u.parts) for u in parts] == [(0, 2), (1, 2)], sent[-1]
    assert not any(isinstance(u, NerUnit) for u in sent[-1]), "the windows were remembered"
    assert found == Detector(TrustConfig()).analyze_items([(second, (), "t")])
    assert any(d.entity_type == "PHONE_NUMBER" for d in found[0])


def test_names_of_one_type_a_space_apart_are_one_detection() -> None:
    """`Dias` and `do Galho`, found by two recognizers, once left the space between in clear."""
    text = "moved to Dias do Galho, met Ana Lima and Rio"
    plan = make_plan([(text, (), "t")], NerScope.FULL)
    raw = [
        ("LOCATION", 9, 13, 0.6),
        ("LOCATION", 14, 22, 0.6),
        ("PERSON", 28, 31, 0.6),
        ("LOCATION", 32, 36, 0.6),
        ("PERSON", 41, 44, 0.6),
    ]
    results = [raw if isinstance(u, PatternUnit) else [] for u in plan.units]
    found = finish(plan, results, 0.4)[0]
    assert [(d.entity_type, text[d.start : d.end]) for d in found] == [
        ("LOCATION", "Dias do Galho"),
        ("PERSON", "Ana"),
        ("LOCATION", "Lima"),
        ("PERSON", "Rio"),
    ]


def test_overlapping_addresses_are_one_detection() -> None:
    """A label's lines and the street found under them: cut apart, the town after the cut
    became a second placeholder."""
    text = "Bill to: Jan Bos\nMellelaan 39\n3496 VK\nHeteren\nThanks"
    plan = make_plan([(text, (), "t")], NerScope.FULL)
    raw = [("ADDRESS", 9, 37, 0.7), ("ADDRESS", 17, 45, 0.85), ("PERSON", 9, 16, 0.85)]
    results = [raw if isinstance(u, PatternUnit) else [] for u in plan.units]
    found = finish(plan, results, 0.4)[0]
    assert [(d.entity_type, text[d.start : d.end]) for d in found] == [
        ("ADDRESS", "Jan Bos\nMellelaan 39\n3496 VK\nHeteren")
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["PERSON", "LOCATION", "PHONE_NUMBER"]),
            st.integers(0, 40),
            st.integers(1, 12),
            st.sampled_from([0.0, 0.4, 0.6, 0.85, 1.0]),
        ),
        max_size=25,
    )
)
@settings(max_examples=300, deadline=None)
def test_remove_contained_keeps_what_presidio_keeps(
    drawn: list[tuple[str, int, int, float]],
) -> None:
    """`pattern_findings` removes duplicates once the parts are together, in the gateway's
    process (no Presidio there): the same set as `EntityRecognizer.remove_duplicates`."""
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    spans = [(t, start, start + length, score) for t, start, length, score in drawn]
    ours = remove_contained(spans)
    theirs = EntityRecognizer.remove_duplicates(
        [RecognizerResult(t, start, end, score) for t, start, end, score in spans]
    )
    assert sorted(ours) == sorted((r.entity_type, r.start, r.end, r.score) for r in theirs)
    keys = [(-s[3], s[1], s[1] - s[2]) for s in ours]
    assert keys == sorted(keys), "score first, then start, longest first, as Presidio's"


@given(
    st.lists(st.sampled_from([*pattern_parts.COST_MS, "A", "B", "C"]), unique=True),
    st.integers(1, 5),
    st.randoms(),
)
def test_every_process_cuts_the_recognizers_the_same_way(
    names: list[str], parts: int, rng: random.Random
) -> None:
    """Each recognizer in exactly one part, whatever order a process lists them in (the
    registry's order can differ between processes)."""
    cut = pattern_parts.assign(names, parts)
    shuffled = list(names)
    rng.shuffle(shuffled)
    assert pattern_parts.assign(shuffled, parts) == cut
    assert set(cut) == set(names)
    assert all(0 <= part < parts for part in cut.values())


def test_the_costliest_recognizers_are_spread_over_the_parts() -> None:
    names = list(pattern_parts.COST_MS)
    cut = pattern_parts.assign(names, 2)
    loads = [sum(pattern_parts.COST_MS[n] for n in names if cut[n] == p) for p in (0, 1)]
    assert max(loads) < 0.55 * sum(loads)


def test_recognizers_in_parts_find_what_they_find_together() -> None:
    """The real recognizers: a text's pattern unit cut in 2 or 3 parts, read apart and put
    together, gives the detections of one pass (`bench.trust.detection_identity dump
    --parts N` checks the same on ~40,000 texts)."""
    from modelgw.trust.detector import Detector

    detector = Detector(TrustConfig(ner_window_memo_entries=0))
    items = [(t, (), "t") for t in [*TEXTS, *MORE]]
    plan = make_plan(items, NerScope.WINDOWS)
    whole = finish(plan, detector.run_units(plan.units), 0.4)
    assert sum(len(found) for found in whole) > 20
    patterns = sum(isinstance(u, PatternUnit) for u in plan.units)
    assert patterns == 6  # one per text that is not blank
    for parts in (2, 3):
        units, origin = in_parts(plan.units, parts)
        assert len(units) == len(plan.units) + (parts - 1) * patterns
        found = joined(detector.run_units(units), origin, len(plan.units))
        assert finish(plan, found, 0.4) == whole


MORE = [
    "Ship to: Flat 9, The Maltings, 12 Mill Lane, Leeds LS1 4AB. Call +44 113 496 0123.",
    "Dear Ms Kowalska, your IBAN DE89 3704 0044 0532 0130 00 and SSN 078-05-1120 are on file.",
    "Contact: jan.novak@example.cz, 4111 1111 1111 1111, 10.0.0.12, relocated from Brno.",
]
