"""A street with no type word, between a verb of sending, visiting or living and a town."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers.address_global import GlobalAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> GlobalAddressRecognizer:
    return GlobalAddressRecognizer(load_place_names(), NameLists.load())


def found(recognizer: GlobalAddressRecognizer, text: str) -> list[str]:
    return sorted({text[s:e] for s, e in recognizer.find(text)})


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "Please send the documents to Nový Dvůr 1308, Benešov nad Ploučnicí instead.",
            "Nový Dvůr 1308, Benešov nad Ploučnicí",
        ),
        (
            "OUR TECHNICIAN WILL VISIT U STROMEČKU 354 IN ČELÁKOVICE BETWEEN 9 AND 12.",
            "U STROMEČKU 354 IN ČELÁKOVICE",
        ),
        ("she lives at rotuaari 1056, outokumpu.", "rotuaari 1056, outokumpu"),
        ("We shipped the parts to Kerbiel 343 in Vinkebrug.", "Kerbiel 343 in Vinkebrug"),
        # no verb: a street, its number, `in` and a town; a street after `at` ending a clause
        (
            "the courier couldn't find kalvodova 724 in chabařovice.",
            "kalvodova 724 in chabařovice",
        ),
        ("We still owe him for the repair done at U Bažantnice 65.", "U Bažantnice 65"),
        # a postcode before the town after `in`
        (
            "update the record: she now lives at třezalková 1357 in 462 86 hrádek.",
            "třezalková 1357 in 462 86 hrádek",
        ),
        ("We shipped the parts to Kerbiel 343 in 9579 Vinkebrug.", "Kerbiel 343 in 9579 Vinkebrug"),
    ],
)
def test_a_cued_street_and_its_town_are_one_address(
    recognizer: GlobalAddressRecognizer, text: str, address: str
) -> None:
    assert found(recognizer, text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "Please send it to Room 5, Berlin.",  # no word of the street is a name's
        "We moved to Python 3, Django and Flask last year.",  # moving is no verb of sending
        "I will send it to you 2, maybe 3 times.",
        "Visit Gate 12 in Terminal 2 first.",
        "Meet me at Gate 5. I have 3 in Madrid. The invoice 724 in Berlin is paid.",
        "We sold Widgets 2024 in 12345 units.",
    ],
)
def test_no_address_without_a_street_and_a_town(
    recognizer: GlobalAddressRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []
