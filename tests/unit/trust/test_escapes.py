"""Values in JSON- or HTML-escaped text are read decoded and masked as they were sent."""

from __future__ import annotations

import pytest

from modelgw.trust.normalise import normalise


@pytest.mark.parametrize(
    ("original", "reads", "sent"),
    [
        (
            '{"name": "Ren\\u00e9e Dvo\\u0159\\u00e1k"}',
            "Renée Dvořák",
            "Ren\\u00e9e Dvo\\u0159\\u00e1k",
        ),
        ("street: Calle de Le\\u00f3n 14, Sevilla", "Calle de León 14", "Calle de Le\\u00f3n 14"),
        (
            "reply to ana.lima@\\nexample.org please",
            "ana.lima@example.org",
            "ana.lima@\\nexample.org",
        ),
        ("emoji \\ud83d\\ude00 then Zo\\u00eb", "Zoë", "Zo\\u00eb"),
        (
            "mail kim&#46;ode&#64;example&#46;net now",
            "kim.ode@example.net",
            "kim&#46;ode&#64;example&#46;net",
        ),
        ("<p>Jos&eacute; Mar&#xED;a</p>", "José María", "Jos&eacute; Mar&#xED;a"),
        # Defanged, as threat reports write them.
        ("mail kim[.]ode[@]example[.]net now", "kim.ode@example.net", "kim[.]ode[@]example[.]net"),
        ("ip 192[.]0[.]2[.]44 seen", "192.0.2.44", "192[.]0[.]2[.]44"),
    ],
)
def test_escapes_are_read_decoded_and_map_back(original: str, reads: str, sent: str) -> None:
    norm = normalise(original)
    start = norm.text.index(reads)
    a, b = norm.to_original(start, start + len(reads))
    assert original[a:b] == sent


def test_a_decoded_character_maps_to_its_whole_escape() -> None:
    original = "G\\u00f3mez"
    norm = normalise(original)
    assert norm.text == "Gómez"
    assert norm.to_original(1, 2) == (1, 7)


def test_text_without_escapes_is_left_alone() -> None:
    original = "a backslash \\ alone and \\x41 stay, R&D and &nosuch; too"
    assert normalise(original).text == original


def test_the_detector_masks_an_escaped_name_whole() -> None:
    from modelgw.common.config.trust import TrustConfig
    from modelgw.trust.detector import Detector

    text = '{"note": "spoke with Fran\\u00e7oise Lef\\u00e8vre about the refund"}'
    found = Detector(TrustConfig()).analyze_many([text])[0]
    persons = [text[d.start : d.end] for d in found if d.entity_type == "PERSON"]
    assert persons == ["Fran\\u00e7oise Lef\\u00e8vre"], found


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        ("card 4111 l111 1111 1lll ok", "4111 1111 1111 1111"),
        ("ssn 2l9-O9-9999 ok", "219-09-9999"),
        ("iban DE89 37O4 0044 0532 Ol30 00 ok", "DE89 3704 0044 0532 0130 00"),
    ],
)
def test_latin_letters_typed_for_digits_are_read_as_digits(original: str, reads: str) -> None:
    assert reads in normalise(original).text


@pytest.mark.parametrize(
    "original",
    ["hello Ola, l10n and IPv6", "Model X1O0 in 2O24", "IBAN letters Q2O8 stay", "lol 1O"],
)
def test_latin_letters_among_few_digits_stay_letters(original: str) -> None:
    assert normalise(original).text == original


def test_an_iban_s_own_letters_stay_letters() -> None:
    """`it60 x054...` holds a real letter where a digit could stand; the checksum decides."""
    original = "pay to iban it60 x054 2811 1010 0000 0123 456 now"
    assert normalise(original).text == original
