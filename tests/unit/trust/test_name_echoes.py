"""A name found once is masked at its other mentions (`name_echoes`)."""

from __future__ import annotations

from modelgw.common.config.trust import NerScope
from modelgw.trust.detection_plan import Detection, finish, make_plan
from modelgw.trust.name_echoes import echoes


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
    plan = make_plan([(text, ())], NerScope.FULL)
    raw = [("PERSON", 11, 11 + len("satō tatsuya"), 0.85)]
    results: list[list[tuple[str, int, int, float]]] = [[] for _ in plan.units]
    results[plan.texts[0].pattern or 0] = raw
    found = finish(plan, results, 0.5)[0]
    assert [(d.entity_type, text[d.start : d.end]) for d in found] == [
        ("PERSON", "satō tatsuya"),
        ("PERSON", "satō tatsuya"),
    ]
    assert all(isinstance(d, Detection) for d in found)
