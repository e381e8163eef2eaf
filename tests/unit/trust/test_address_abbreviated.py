"""Streets whose type is an abbreviation, before or after the name (`address_abbreviated`)."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.address_abbreviated import abbreviated_streets


@pytest.fixture(scope="module")
def english() -> frozenset[str]:
    names = NameLists.load()
    return names.english | names.common


def found(english: frozenset[str], text: str) -> list[str]:
    titled = not (text.islower() or text.isupper())
    return [text[b.start : b.end] for b in abbreviated_streets(text, english, titled=titled)]


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Driver notes: Vilniaus g. 48 is a one-way street.", "Vilniaus g. 48"),
        ("the repair done at Gedimino pr. 154.", "Gedimino pr. 154"),
        ("THE UNIT AT AV. AREQUIPA 116 (TRUJILLO) IS FIXED.", "AV. AREQUIPA 116"),
        ("Driver notes: Jr. de la Unión 237 is a one-way street.", "Jr. de la Unión 237"),
        ("she lives at str. republicii 197 now", "str. republicii 197"),
    ],
)
def test_a_street_with_an_abbreviated_type(english: frozenset[str], text: str, street: str) -> None:
    assert found(english, text) == [street]


@pytest.mark.parametrize(
    "text",
    [
        "As shown by Smith et al. 2019 and Fig. 3, the effect holds.",
        "See Jan. 5 and Dr. Ortega 5 times, Vol. 2.",
        "Call me at approx. 5 pm, Mr. Brown 42 years.",
        "We use Python ver. 3 and Windows v. 11 now.",
        "Napoli NA. Prefers WhatsApp on 313 833 3174.",  # a sentence's end, then prose
        "The Office dept. 12 sent the report.",  # English words are no street's name
    ],
)
def test_other_abbreviations_before_a_number_are_no_street(
    english: frozenset[str], text: str
) -> None:
    assert found(english, text) == []
