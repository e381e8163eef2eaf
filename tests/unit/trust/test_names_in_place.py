"""Names where a person stands: wrapped over two lines, alone after a word that takes a person,
at a list item's or chat line's start, in a list of surnames in any case."""

from __future__ import annotations

import pytest

from modelgw.common.config.trust import NerScope
from modelgw.trust.detection_plan import PatternUnit, finish, make_plan
from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.names_by_case import NamesByCaseRecognizer


def _finished(text: str, raw: list[tuple[str, int, int, float]]) -> list[tuple[str, str]]:
    plan = make_plan([(text, (), "t")], NerScope.FULL)
    results = [raw if isinstance(u, PatternUnit) else [] for u in plan.units]
    return [(d.entity_type, text[d.start : d.end]) for d in finish(plan, results, 0.4)[0]]


def test_a_name_wrapped_over_two_lines_is_one_detection() -> None:
    text = "signed, Maria Clara\r\nSchwarz; thanks"
    raw = [("PERSON", 8, 19, 0.6), ("PERSON", 21, 28, 0.6)]
    assert _finished(text, raw) == [("PERSON", "Maria Clara\r\nSchwarz")]


def test_two_full_names_on_two_lines_stay_two() -> None:
    text = "Attendees:\nMaria Clara\nTom Hale\n"
    raw = [("PERSON", 11, 22, 0.6), ("PERSON", 23, 31, 0.6)]
    assert _finished(text, raw) == [("PERSON", "Maria Clara"), ("PERSON", "Tom Hale")]


def test_a_place_and_a_name_on_two_lines_stay_apart() -> None:
    text = "Lisbon\nHelena"
    raw = [("LOCATION", 0, 6, 0.6), ("PERSON", 7, 13, 0.6)]
    assert _finished(text, raw) == [("LOCATION", "Lisbon"), ("PERSON", "Helena")]


@pytest.fixture(scope="module")
def recognizer() -> NamesByCaseRecognizer:
    return NamesByCaseRecognizer(NameLists.load())


def found(recognizer: NamesByCaseRecognizer, text: str) -> list[str]:
    return [text[s:e] for s, e in recognizer.find(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("please remind kowalczyk about the keys", "kowalczyk"),
        ("FOLLOW UP VIA ASSISTANT FIGUEIREDO.", "FIGUEIREDO"),
        ("- gonzalez to book the room\n- order lunch", "gonzalez"),
        ("[10:02] siobhan (agent): done", "siobhan"),
    ],
)
def test_a_lone_listed_name_where_a_person_stands(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    assert name in found(recognizer, text)


@pytest.mark.parametrize(
    "text",
    [
        "please remind me about the keys",  # no name
        "- bread to buy\n- milk",  # everyday words
        "[10:02] status (open): done",
    ],
)
def test_everyday_words_in_those_places_are_no_names(
    recognizer: NamesByCaseRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []


def test_lower_case_surnames_three_in_a_list(recognizer: NamesByCaseRecognizer) -> None:
    text = "the shortlist is kowalczyk, figueiredo and okonkwo; the rest wait"
    assert found(recognizer, text) == ["kowalczyk", "figueiredo", "okonkwo"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("signed, Beatriz\nde Almeida.", "Beatriz\nde Almeida"),
        ("signed, Sebastián\r\nFigueiredo; call me", "Sebastián\r\nFigueiredo"),
        ("signed, joão\nkowalczyk.", "joão\nkowalczyk"),
    ],
)
def test_a_name_wrapped_by_a_mail_client_is_found_whole(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    assert found(recognizer, text) == [name]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Best,\nMaria\nBluefin Analytics", ["Maria"]),  # no listed surname on the next line
        ("Best,\nMaria\n\nKowalczyk & Sons", ["Maria"]),  # a blank line between
    ],
)
def test_the_next_line_joins_a_name_only_with_a_listed_surname(
    recognizer: NamesByCaseRecognizer, text: str, names: list[str]
) -> None:
    assert found(recognizer, text)[: len(names)] == names
