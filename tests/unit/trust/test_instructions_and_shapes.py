"""An instruction's verb is no person; a verb's form after `new`/`east`/`lake` is no town."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.ner_review import plausible_person
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers.places_in_context import PlacesInContextRecognizer


@pytest.fixture(scope="module")
def names() -> NameLists:
    return NameLists.load()


def _plausible(text: str, value: str, names: NameLists) -> bool:
    start = text.index(value)
    return plausible_person(text, start, start + len(value), names)


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Paraphrase why the order moved to Leeds.", "Paraphrase"),
        ("Notes.\nTabulate all refunds for May.", "Tabulate"),
        ("Rewrite: Condense this paragraph.", "Condense"),
    ],
)
def test_an_unlisted_word_opening_an_instruction_is_no_person(
    text: str, verb: str, names: NameLists
) -> None:
    assert not _plausible(text, verb, names)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Anna the courier called.", "Anna"),  # a listed name stays a person
        ("Then Okonkwo what a relief.", "Okonkwo"),  # not at a sentence's start
    ],
)
def test_names_before_those_words_stay_people(text: str, name: str, names: NameLists) -> None:
    assert _plausible(text, name, names)


@pytest.fixture(scope="module")
def places(names: NameLists) -> PlacesInContextRecognizer:
    return PlacesInContextRecognizer(load_place_names(), names)


@pytest.mark.parametrize(
    "text", ["see the new billing address", "an east facing room", "the new Shipping Terms"]
)
def test_a_verb_form_after_a_direction_is_no_town(
    places: PlacesInContextRecognizer, text: str
) -> None:
    assert places.find(text) == []


def test_a_town_shape_after_new_is_still_found(places: PlacesInContextRecognizer) -> None:
    text = "we moved to New Glarbury last year"
    assert "New Glarbury" in [text[a:b] for a, b in places.find(text)]
