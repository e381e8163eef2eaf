"""Title Case places the NER model misses: form fields, gazetteer towns after a cue, town shapes."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers.places_in_context import PlacesInContextRecognizer


@pytest.fixture(scope="module")
def recognizer() -> PlacesInContextRecognizer:
    return PlacesInContextRecognizer(load_place_names(), NameLists.load())


def found(recognizer: PlacesInContextRecognizer, text: str) -> list[str]:
    return sorted({text[a:b] for a, b in recognizer.find(text)})


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("City: Hoyerswerda\nCountry: Sweden\n", ["Hoyerswerda", "Sweden"]),
        ("She moved from Karlskoga to Soest.", ["Karlskoga", "Soest"]),
        ("Moved from Lake Eleanorshire to Blairfurt.", ["Blairfurt", "Lake Eleanorshire"]),
        ("He lives in Marty-sur-Briand now.", ["Marty-sur-Briand"]),
    ],
)
def test_places_in_title_case(
    recognizer: PlacesInContextRecognizer, text: str, places: list[str]
) -> None:
    assert set(places) <= set(found(recognizer, text))


@pytest.mark.parametrize(
    "text",
    [
        "Happy New Year to the whole team.",
        "Florence will send the report.",
        "The Port Authority approved the plan.",
        "Please ask Preston about the invoice.",
    ],
)
def test_words_and_people_are_no_places(recognizer: PlacesInContextRecognizer, text: str) -> None:
    assert found(recognizer, text) == []


def test_gazetteer_towns_after_a_verb_of_arrival_before_a_site_and_in_lists(
    recognizer: PlacesInContextRecognizer,
) -> None:
    """`reach Pécs`, `the Siófok office`, and a list joined to a cued town, either way."""
    assert "Pécs" in found(recognizer, "The parcel should reach Pécs by Friday.")
    assert "Pécs" not in found(recognizer, "Pécs wrote back.")  # a small town needs its cue
    assert "Siófok" in found(recognizer, "Our Siófok office opened.")
    forward = found(recognizer, "We deliver to Pécs, Siófok and Keszthely.")
    backward = found(recognizer, "Siófok, Keszthely and Pécs offices are closed.")
    assert {"Pécs", "Siófok", "Keszthely"} <= set(forward) & set(backward)


def test_new_and_an_everyday_word_is_no_town(recognizer: PlacesInContextRecognizer) -> None:
    assert "new store" not in found(recognizer, "The new store opened last week.")
    assert "new haven" in found(recognizer, "She moved to new haven.")


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Stock at Kyjov is low, so we reorder.", ["Kyjov"]),
        ("The parcel for Bruntál was late.", ["Bruntál"]),
        # alone in brackets after a person
        ("Complaint received from Demont Boutin (Nîmes) regarding late delivery.", ["Nîmes"]),
    ],
)
def test_a_listed_town_that_can_be_nothing_else(
    recognizer: PlacesInContextRecognizer, text: str, places: list[str]
) -> None:
    assert found(recognizer, text) == places


@pytest.mark.parametrize(
    "text",
    [
        "Kyjov is where we ship from.",  # a sentence's first word takes a capital anyway
        "I spoke with Anna of Sigtuna Logistik AB.",  # part of a company's name
        "She works at Havenbedrijf Sigtuna now.",
    ],
)
def test_a_listed_town_in_a_proper_name_or_opening_a_sentence_needs_a_cue(
    recognizer: PlacesInContextRecognizer, text: str
) -> None:
    assert "Kyjov" not in found(recognizer, text) and "Sigtuna" not in found(recognizer, text)
