"""The short parts before a street: a house, a plot, a section (`address_lead`)."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.address_lead import lead_start


@pytest.fixture(scope="module")
def english() -> frozenset[str]:
    names = NameLists.load()
    return names.english | names.common


@pytest.mark.parametrize(
    ("text", "street", "address"),
    [
        ("ship to House 138, Street 7, Ferozepur Road", "7, Ferozepur", "House 138, Street 7, "),
        ("ship to No. 92, Sec. 2, Zhongshan North Road", "2, Zhongshan", "No. 92, Sec. 2, "),
        ("ship to 225/7 Moo 3, Nimmanhaemin Road", "3, Nimmanhaemin", "225/7 Moo 3, "),
        ("Apt 5, 12 Main Street", "12 Main", "Apt 5, "),
    ],
)
def test_parts_before_a_street_are_the_address(
    english: frozenset[str], text: str, street: str, address: str
) -> None:
    start = text.index(street)
    assert text[lead_start(text, start, english) :].startswith(address)


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Invoice 4471, 12 Main Street", "12 Main"),  # a number alone, after prose
        ("Call 555 1234, 12 Main Street", "12 Main"),  # two numbers: a phone's
        ("my account GB37 8500 42. David Perez, 8229 Teresa Neck", "8229 Teresa"),  # a name
        ("Contact Jürgen 12 Main Street", "12 Main"),  # a word before the number: no type word
        ("at 10:30, 12 Main Street", "12 Main"),
    ],
)
def test_prose_names_and_other_numbers_stay_out(
    english: frozenset[str], text: str, street: str
) -> None:
    start = text.index(street)
    assert lead_start(text, start, english) == start
