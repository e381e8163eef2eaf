"""Names from beyond the fake-data locales, and firms named after people (not persons)."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.ner_review import in_firm_name, plausible_person
from modelgw.trust.recognizers.names_by_case import NamesByCaseRecognizer


@pytest.fixture(scope="module")
def names() -> NameLists:
    return NameLists.load()


@pytest.fixture(scope="module")
def recognizer(names: NameLists) -> NamesByCaseRecognizer:
    return NamesByCaseRecognizer(names)


def found(recognizer: NamesByCaseRecognizer, text: str) -> list[str]:
    return [text[s:e] for s, e in recognizer.find(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Nigerian, Indian, Japanese and Turkish names that no fake-data locale lists: the
        # names-dataset gazetteer (scripts/gennames.py) knows them.
        ("spoke with adaeze nwosu yesterday", "adaeze nwosu"),
        ("URGENT: OLUSEGUN ADEYEMI CALLED", "OLUSEGUN ADEYEMI"),
        ("please ask venkat raghavan to sign", "venkat raghavan"),
        ("HIROSHI TAKAHASHI APPROVED THE REFUND", "HIROSHI TAKAHASHI"),
        ("the driver was oğuz kaya", "oğuz kaya"),
    ],
)
def test_names_of_more_countries(recognizer: NamesByCaseRecognizer, text: str, name: str) -> None:
    assert found(recognizer, text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Invoice from Rivas & Asociados S.L. attached",
        "(Bufete Ortega y Asociados)",
        "Counsel: Marchetti, Bellini e Conti SPA",
    ],
)
def test_partners_names_in_a_firm_are_no_person(
    recognizer: NamesByCaseRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []


@pytest.mark.parametrize(
    ("text", "word", "firm"),
    [
        ("Invoice from Rivas & Asociados S.L. attached", "Rivas", True),
        ("Counsel: Marchetti, Bellini e Conti SPA", "Bellini", True),
        ("booked at Hotel Moreau for two nights", "Moreau", True),
        # `as`, `co` and `me` are legal forms only when written as one (capitalised).
        ("ask Anna Smith as soon as possible", "Anna Smith", False),
        ("thanks to Anna Smith and co for the help", "Anna Smith", False),
    ],
)
def test_firm_names_are_told_from_persons(text: str, word: str, firm: bool) -> None:
    start = text.index(word)
    assert in_firm_name(text, start, start + len(word)) is firm


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # `from`, `with` after a name continue the sentence: the firm is someone else's.
        ("spoke with Leocadia Nowak from Zielony Dom Sp. z o.o. today", "Leocadia Nowak"),
        # `As` that starts a sentence is no Norwegian `AS`.
        ("Hi Leocadia,\n\nAs discussed, here it is.", "Leocadia"),
    ],
)
def test_a_person_near_a_firm_or_a_form_word_is_kept(text: str, person: str) -> None:
    start = text.index(person)
    assert not in_firm_name(text, start, start + len(person))


def test_a_person_before_the_word_as_is_kept(names: NameLists) -> None:
    """The NER review once read ` as` as the Norwegian legal form `AS` and dropped the name."""
    text = "ask Anna Smith as soon as possible"
    assert plausible_person(text, 4, 14, names)
