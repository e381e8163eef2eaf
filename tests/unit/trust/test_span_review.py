"""Names and places that the layout around them says are something else (`span_review`)."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.span_review import _EPONYMOUS_BRANDS, SURNAME_BRANDS, not_a_name_or_place


def _review(text: str, value: str, entity_type: str = "PERSON") -> bool:
    start = text.index(value)
    return not_a_name_or_place(text, start, start + len(value), entity_type)


@pytest.mark.parametrize(
    ("text", "value", "entity_type"),
    [
        ("Head of Procurement | Acme\nTel. +44 20 7946 0958", "Tel", "PERSON"),
        ("Site Lead | Aurora Ltda.\nMobile 074104 48841", "Mobile", "LOCATION"),
        ("Street: Plaza Alma 78\nCity: Melilla\nPostcode: 31471", "City", "LOCATION"),
        ("Genvägen 077\n47479 Eskilstuna\n\nTotal due: 8439.82", "Total", "LOCATION"),
        ("--\nChinwe Abubakar\nHead of Procurement | Infosol", "Head of", "PERSON"),
        ("Úrsula Lamas\nProfesional de nivel medio", "Profesional de", "PERSON"),
        ("Glen Murray\nPsychiatric nurse | Akhtar, Hartley and O'Sullivan", "Akhtar", "PERSON"),
        ("Email: a@b.com\nInsurer: Bupa, member ID YBC579159047", "Bupa", "PERSON"),
        ("REFERENCE: INV-2023-54083", "INV-2023", "LOCATION"),
        ("IBAN: FR46 5192 4127 7680 1703 2781 364 / BIC: TGBATRIS / Ref", "TGBATRIS", "PERSON"),
        ("Swift code: BPOTBEB1XXX", "BPOTBEB1XXX", "LOCATION"),
        ("We are on version 8.7.4 now.", "8.7.4", "LOCATION"),
        ("2025-07-08T04:43:51Z INFO auth.login ok user=x", "INFO auth.login", "PERSON"),
        ("Analysts at Tim Hortons expect Wells Fargo to beat estimates", "Tim Hortons", "PERSON"),
        ("Analysts at Procter & Gamble expect a rise", "Gamble", "PERSON"),
        ("Catering order: brussels sprouts and a panama hat", "panama", "LOCATION"),
        ("Lunch options near the venue: Park Avenue Deli.", "Park Avenue Deli", "LOCATION"),
    ],
)
def test_not_a_name_or_place(text: str, value: str, entity_type: str) -> None:
    assert _review(text, value, entity_type)


@pytest.mark.parametrize(
    ("text", "value", "entity_type"),
    [
        ("Please call Tel Aviv office", "Tel Aviv", "LOCATION"),  # no number after it
        ("Best regards,\nChinwe Abubakar\nHead of Procurement", "Chinwe Abubakar", "PERSON"),
        ("Moved from Mobile to Boston last month", "Mobile", "LOCATION"),  # not a line's label
        ("Please ask Mr Dyson about the invoice", "Dyson", "PERSON"),  # a brand after a title
        ("The tenant is Yōko Watanabe and pays on time", "Yōko Watanabe", "PERSON"),
        ("Contact: Juan de la Cruz", "Juan de", "PERSON"),  # the surname goes on capitalised
        ("I live at 12 Baker Street, London", "Baker Street", "LOCATION"),
        ("BIC: TGBATRIS, account holder MONTREAL", "MONTREAL", "LOCATION"),  # not after the label
        ("Emergency contact: Ōno Haruto (brother)", "Ōno Haruto", "PERSON"),
        ("Y ō k o  W a t a n a b e; social is two", "Y ō k o  W a t a n a b e", "PERSON"),
    ],
)
def test_names_and_places_stay(text: str, value: str, entity_type: str) -> None:
    assert not _review(text, value, entity_type)


def test_one_word_brands_that_are_names_stay_names_unless_the_firm_is_said() -> None:
    names = NameLists.load()
    single = {b for b in _EPONYMOUS_BRANDS.split("|") if " " not in b and "&" not in b}
    assert {b for b in single if b in names.first or b in names.last} == SURNAME_BRANDS
    lone = "Please call Roche tomorrow."
    assert not not_a_name_or_place(lone, 12, 17, "PERSON")
    firm = "Our supplier Roche AG raised prices."
    assert not_a_name_or_place(firm, 13, 18, "PERSON")
    assert not_a_name_or_place("We ordered from Gucci today.", 16, 21, "PERSON")


def test_the_employer_after_a_bar_is_read_from_the_line_s_end() -> None:
    line = "Head of Procurement | Infosol"
    assert not_a_name_or_place(line, 22, 29, "PERSON")
    assert not not_a_name_or_place("a | b | Infosol", 8, 15, "PERSON")  # two bars: a table row
    long_line = "word " * 800 + "Infosol"
    assert not not_a_name_or_place(long_line, 4000, 4007, "PERSON")
