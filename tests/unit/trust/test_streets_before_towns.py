"""An address read leftwards from a found town with its postcode (`streets_before_towns`)."""

from __future__ import annotations

import pytest

from modelgw.trust.detection import Detection
from modelgw.trust.detection_growth import grown
from modelgw.trust.streets_before_towns import streets_before_towns


def _places(text: str, *values: str) -> list[Detection]:
    found = []
    for value in values:
        start = text.index(value)
        found.append(Detection("LOCATION", start, start + len(value), 0.85))
    return sorted(found, key=lambda d: d.start)


def _addresses(text: str, *towns: str) -> list[str]:
    return [text[d.start : d.end] for d in streets_before_towns(text, _places(text, *towns))]


@pytest.mark.parametrize(
    ("text", "towns", "address"),
    [
        (
            "My order never arrived at 67 Gameat El Dewal El Arabeya, Tanta 77110, Egypt. Thanks",
            ("Tanta", "Egypt"),
            "67 Gameat El Dewal El Arabeya, Tanta 77110, Egypt",
        ),
        (
            "Please ship it to prosp. Peremohy, 152, Vinnytsia, 07559 by Friday.",
            ("Vinnytsia",),
            "prosp. Peremohy, 152, Vinnytsia, 07559",
        ),
        (
            "update the billing address to Rehov Dizengoff 162, Rehovot 8634417.",
            ("Rehovot",),
            "Rehov Dizengoff 162, Rehovot 8634417",
        ),
        (
            "It never arrived at House 145, Street 7, Shahrah-e-Faisal, Multan 24230.",
            ("Multan",),
            "House 145, Street 7, Shahrah-e-Faisal, Multan 24230",
        ),
        (
            "78, Triq il-Kbira, Birkirkara AXF 2199",
            ("Birkirkara",),
            "78, Triq il-Kbira, Birkirkara AXF 2199",
        ),
        (
            "new address is 12 rua das flores, porto 4050-123",
            ("porto",),
            "12 rua das flores, porto 4050-123",
        ),
    ],
)
def test_the_street_before_a_town_and_its_postcode(
    text: str, towns: tuple[str, ...], address: str
) -> None:
    assert _addresses(text, *towns) == [address]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Meeting on 12 March, London 12345 attendees.", "London"),  # a date, no street
        ("Invoice 2024, Paris 75001.", "Paris"),  # a year is no house number
        ("Offices: Gameat Street, Tanta 77110", "Tanta"),  # no house number
        ("We shipped 145 units, Multan 24230 confirmed", "Multan"),  # `units` after a number
        ("He lives at 67 Gameat El Arabeya, Tanta, Egypt", "Tanta"),  # no postcode
        ("Call me, 12 Main, Springfield 12345", "Springfield"),  # no word leads to it
        ("Suite 4 then, Tanta 77110", "Tanta"),  # `then` is no street's word
    ],
)
def test_no_address_without_a_street_a_number_and_a_postcode(text: str, town: str) -> None:
    assert _addresses(text, town) == []


def test_the_address_takes_what_the_detectors_found_inside_it() -> None:
    text = "Please ship it to prosp. Peremohy, 152, Vinnytsia, 07559 by Friday."
    street = text.index("Peremohy")
    found = [
        Detection("PERSON", street, street + len("Peremohy"), 0.85),
        *_places(text, "Vinnytsia"),
    ]
    out = [(d.entity_type, text[d.start : d.end]) for d in grown(text, found)]
    assert out == [("ADDRESS", "prosp. Peremohy, 152, Vinnytsia, 07559")]


def test_every_address_of_a_long_line_is_read_within_its_reach() -> None:
    """Each town reads back only so far (a line of many towns costs no quadratic time): the
    addresses of a long line are each found, and a street whose start is out of reach is
    not taken as starting where the reach cuts it."""
    text = "".join(f"ship {n} to {n} Main Road, Tanta 771{n:02d}; " for n in range(50))
    towns = [
        Detection("LOCATION", i, i + len("Tanta"), 0.85)
        for i in range(len(text))
        if text.startswith("Tanta", i)
    ]
    found = [text[d.start : d.end] for d in streets_before_towns(text, towns)]
    assert found == [f"{n} Main Road, Tanta 771{n:02d}" for n in range(50)]
    far = "Note: " + "A" * 230 + " 12 Main Road, Tanta 77110"
    assert _addresses(far, "Tanta") == []
    near = "Note:\n" + "A" * 200 + " 12 Main Road, Tanta 77110"  # its line's start in reach
    assert _addresses(near, "Tanta") == ["A" * 200 + " 12 Main Road, Tanta 77110"]
