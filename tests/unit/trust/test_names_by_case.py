"""Names in lower case and ALL CAPS, found by the census name lists."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.names_by_case import NamesByCaseRecognizer


@pytest.fixture(scope="module")
def recognizer() -> NamesByCaseRecognizer:
    return NamesByCaseRecognizer(NameLists.load())


def found(recognizer: NamesByCaseRecognizer, text: str) -> list[str]:
    return [text[s:e] for s, e in recognizer.find(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("spoke with john smith yesterday", "john smith"),
        ("URGENT: MARIA GARCIA CALLED", "MARIA GARCIA"),
        # Surnames that are also words count after a first name.
        ("spoke with jennifer young about the refund", "jennifer young"),
        ("KEVIN WHITE CALLED TWICE", "KEVIN WHITE"),
        ("ask steven brown for the invoice", "steven brown"),
    ],
)
def test_first_and_last_name_in_any_case(
    recognizer: NamesByCaseRecognizer, text: str, name: str
) -> None:
    assert found(recognizer, text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "the white paper is ready",
        "we will mark it as done",
        "young customers prefer the app",
        "a price list for the king size beds",
    ],
)
def test_words_without_a_first_name_are_not_names(
    recognizer: NamesByCaseRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []


def test_surname_words_never_start_a_name() -> None:
    names = NameLists.load()
    assert "young" in names.last
    assert "young" not in names.first
    assert "will" not in names.last  # a modal verb after a first name: `anna will call`
