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
