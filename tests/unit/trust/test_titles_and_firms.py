"""Titles in a list of songs, books or films, and firms' legal forms, are no person or place."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.ner_review import (
    in_firm_name,
    overlaps_legal_form,
    person_named_as_org,
    plausible_person,
)
from modelgw.trust.titles import is_title


def _span(text: str, value: str) -> tuple[int, int]:
    start = text.index(value)
    return start, start + len(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Songs for the wedding: Layla, Angie, Maggie May.", "Angie"),
        ("Our setlist: Galveston; Memphis Blues; Sweet Home Chicago.", "Chicago"),
        ("Note.\nMovies this week: Sydney or Manhattan, then drinks.", "Manhattan"),
        ("NOVELS TO READ: EMMA, REBECCA, LOLITA.", "REBECCA"),
        ("We hummed Penny Lane (the song) all day.", "Penny Lane"),
        ("lunch at Luigi (the restaurant) again", "Luigi"),
    ],
)
def test_a_whole_item_of_a_titles_list_is_a_title(text: str, value: str) -> None:
    assert is_title(text, *_span(text, value))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Film night: Anna Berg brings snacks.", "Anna Berg"),  # the sentence goes on
        ("Book club hosted by: Anna Berg, Tom Hale.", "Anna Berg"),  # a list of people
        ("Attendees: Anna Berg, Tom Hale.", "Anna Berg"),  # no titles named
        ("Songs: see below.\nContact: Anna Berg, Tom Hale.", "Anna Berg"),  # another line
        ('From: "Berg, Anna" <anna@example.com>', "Berg, Anna"),  # quotes alone say nothing
    ],
)
def test_people_outside_a_titles_list_are_not_titles(text: str, value: str) -> None:
    assert not is_title(text, *_span(text, value))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Buyer | Kormex Sp. z o.o.", "Kormex Sp"),
        ("Buyer | Kormex Sp. z o.o.", "o.o."),
        ("from Tecidos Vitória Ltda. today", "Vitória Ltda"),
        ("from Aceros Norte S.L. today", "S.L."),
        ("FROM BERGEN FISK AS, NORWAY", "BERGEN FISK AS"),
        ("head of procurement | tecelagem aurora ltda.", "aurora ltda"),  # typed in lower case
        ("in poland. reid inc confirmed it", "reid inc"),
    ],
)
def test_a_span_into_a_legal_form_is_a_firm(text: str, value: str) -> None:
    assert overlaps_legal_form(text, *_span(text, value))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I met Lisa Coates as planned", "Lisa Coates"),  # `sa`, `co`, `as` inside words
        ("Anna Berg as discussed", "Anna Berg"),  # `as` is a word here
        ("Maria Inca arrives", "Maria"),
        ("anna berg as discussed", "anna berg"),  # lower-case forms that are words need a capital
        ("maria co-signed it", "maria"),
        ("call tom lee e.g. tomorrow", "tom lee"),
    ],
)
def test_words_that_look_like_forms_are_not_firms(text: str, value: str) -> None:
    assert not overlaps_legal_form(text, *_span(text, value))


@pytest.fixture(scope="module")
def names() -> NameLists:
    return NameLists.load()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("per Manthan Khalsa's request, the contract is on hold.", "Manthan Khalsa's"),
        ("Ask Tomas Vargas about it", "Tomas Vargas"),  # `as` ends a word: no `AS` firm
        ("Franco Rocco called", "Franco Rocco"),
        ("Leroy Conroy signed", "Leroy Conroy"),
    ],
)
def test_a_legal_form_at_a_words_end_is_no_firm(names: NameLists, text: str, value: str) -> None:
    assert plausible_person(text, *_span(text, value), names)


def test_a_legal_form_after_a_name_is_a_firm(names: NameLists) -> None:
    text = "Invoice from Nokia Oy and Smith & Co"
    assert not plausible_person(text, *_span(text, "Nokia Oy"), names)
    assert not plausible_person(text, *_span(text, "Smith & Co"), names)


@pytest.mark.parametrize(
    ("text", "value", "person"),
    [
        ("Assigned to Gitau Ogutu (Tier 2).", "Gitau Ogutu", True),  # `gitau` is a surname
        ("Refund issued to Kuchanua Wambui today", "Kuchanua Wambui", True),
        ("We use Acme Globex for billing.", "Acme Globex", False),  # no listed name in it
        ("Invoice from Reddy Holding today", "Reddy Holding", False),  # a legal form
        ("Invoice from Reddy Systems today", "Reddy Systems", False),  # an English word
        ("Order from Gitau Ogutu Ngugi Kamau", "Gitau Ogutu Ngugi Kamau", False),  # four words
    ],
)
def test_a_name_the_model_calls_an_organisation(
    names: NameLists, text: str, value: str, person: bool
) -> None:
    assert person_named_as_org(text, *_span(text, value), names) is person


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("dispute with grupo alameda s.l. / action items", "alameda"),
        ("from: polmex sp. z o.o. / 77, ahmadu bello way", "polmex"),
        ("das neves gomes s/a / condomínio", "neves gomes"),
        ("spoke with Svenja Weiß from Anadolu Tekstil A.Ş.. Relocated", "Anadolu"),
    ],
)
def test_a_name_before_a_legal_form_is_a_firm_in_any_case(text: str, value: str) -> None:
    assert in_firm_name(text, *_span(text, value))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("dinner with maria silva as agreed", "maria silva"),
        ("thanks anna berg, co-founder", "anna berg"),
        ("Shipped to Berlin as agreed", "Berlin"),
    ],
)
def test_a_word_that_is_a_form_too_after_a_name_in_lower_case_is_no_firm(
    text: str, value: str
) -> None:
    assert not in_firm_name(text, *_span(text, value))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Teslimat adresi: Moda Mah. Beni şu numaradan arayin 0503 845 06 91.", "Beni şu"),
        (
            "Bérénice confirmed. L'adresse de livraison est: 36, allée des Peupliers",
            "L'adresse de livraison",
        ),
    ],
)
def test_words_of_a_sentence_in_another_language_are_no_name(
    names: NameLists, text: str, value: str
) -> None:
    assert not plausible_person(text, *_span(text, value), names)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Assigned to Uma Castillo (Tier 2).", "Uma Castillo"),  # `uma`: capitalised, a name
        ("Our rep Era Zellweger closed the deal.", "Era Zellweger"),
        ("Contact Maria de Souza today", "Maria de Souza"),  # `de`: a surname's particle
        ("Ask Anna Berg today", "Anna Berg"),
    ],
)
def test_names_with_words_that_are_function_words_elsewhere_stay(
    names: NameLists, text: str, value: str
) -> None:
    assert plausible_person(text, *_span(text, value), names)
