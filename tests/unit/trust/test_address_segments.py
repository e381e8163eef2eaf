"""An address's town ends with its segment; a street with no type word may follow a label."""

from __future__ import annotations

import pytest

from modelgw.trust.normalise import normalise
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers.address_world import WorldAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> WorldAddressRecognizer:
    return WorldAddressRecognizer(load_place_names())


def found(recognizer: WorldAddressRecognizer, text: str) -> list[str]:
    copy = normalise(text)
    return [text[slice(*copy.to_original(s, e))] for s, e in recognizer.find(copy.text)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # The town after a postcode that followed the street as its number: the words after
        # the full stop are the next sentence's, not the town's.
        (
            "BILLS GO TO AVENUE MOREAU, 31840 VALLIER. PHONE +33 5 61 00 00 00",
            "AVENUE MOREAU, 31840 VALLIER",
        ),
        (
            "Bills go to Avenue Moreau, 31840 Vallier. Phone +33 5 61 00 00 00",
            "Avenue Moreau, 31840 Vallier",
        ),
        (
            "bills go to avenue moreau, 31840 vallier. phone +33 5 61 00 00 00",
            "avenue moreau, 31840 vallier",
        ),
    ],
)
def test_the_town_ends_where_its_segment_does(
    recognizer: WorldAddressRecognizer, text: str, address: str
) -> None:
    assert found(recognizer, text) == [address]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Our office: Unter den Linden 77, 10117 Berlin.", "Unter den Linden 77, 10117 Berlin"),
        ("Lieferadresse: Am Markt 3, 28195 Bremen", "Am Markt 3, 28195 Bremen"),
    ],
)
def test_a_street_without_a_type_word_after_a_label(
    recognizer: WorldAddressRecognizer, text: str, address: str
) -> None:
    assert found(recognizer, text) == [address]


@pytest.mark.parametrize("text", ["Total: Item 3, 2024 Report", "Score: Team 3, 2019 Final"])
def test_a_year_after_a_label_is_no_postcode(recognizer: WorldAddressRecognizer, text: str) -> None:
    assert found(recognizer, text) == []
