"""A name found once is masked at its other mentions (`name_echoes`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.common.config.trust import NerScope
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import finish, make_plan
from modelgw.trust.name_echoes import _WORD, echoed_words, echoes


def _spans(text: str, found: str) -> list[str]:
    start = text.index(found)
    return [text[a:b] for a, b in echoes(text, [(start, start + len(found))], [])]


def test_later_mentions_of_a_found_name_are_found() -> None:
    text = "[10:02] customer: hi its lieselotte köhler\n[10:06] agent: thanks lieselotte. KÖHLER?"
    found = _spans(text, "lieselotte köhler")
    assert found == ["lieselotte", "köhler", "lieselotte", "KÖHLER"]


def test_ordinary_words_and_mailboxes_are_not_echoed() -> None:
    text = "Mark Rowntree wrote to rowntree@example.com; mark the invoice as paid."
    assert _spans(text, "Mark Rowntree") == ["Mark", "Rowntree"]  # itself, not `mark`


def test_finish_adds_echoes_that_no_detection_covers() -> None:
    text = "attendees: satō tatsuya\n- satō tatsuya: send the contract"
    plan = make_plan([(text, (), "t")], NerScope.FULL)
    raw = [("PERSON", 11, 11 + len("satō tatsuya"), 0.85)]
    results: list[list[tuple[str, int, int, float]]] = [[] for _ in plan.units]
    results[plan.texts[0].pattern or 0] = raw
    found = finish(plan, results, 0.5)[0]
    assert [(d.entity_type, text[d.start : d.end]) for d in found] == [
        ("PERSON", "satō tatsuya"),
        ("PERSON", "satō tatsuya"),
    ]
    assert all(isinstance(d, Detection) for d in found)


def _echoes_by_scan(
    original: str, persons: list[tuple[int, int]], taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """`echoes` as it was: every word of the text looked at."""
    wanted = echoed_words(original, persons)
    folded = {w.lower() for w in wanted}
    return [
        m.span()
        for m in _WORD.finditer(original)
        if m.group(0).lower() in folded
        and (m.group(0) in wanted or m.group(0)[0].isupper())
        and not any(a < m.end() and m.start() < b for a, b in taken)
    ]


ECHO_PIECES = [
    *("Lieselotte", "lieselotte", "LIESELOTTE", "Köhler", "köhler", "Zyx", "zyxw", "Ann"),
    *(" ", "  ", "\n", ".", ",", "-", "@", "'", "x.", "/", "7", "mark", "the"),
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(ECHO_PIECES), min_size=1, max_size=14),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), min_size=1, max_size=3),
)
def test_echoes_equal_the_scan_of_every_word(
    pieces: list[str], spans: list[tuple[int, int]]
) -> None:
    text = "".join(pieces)
    persons = [(s % len(text), min(len(text), s % len(text) + n)) for s, n in spans]
    taken = sorted(persons)
    assert echoes(text, persons, taken) == _echoes_by_scan(text, persons, taken)
