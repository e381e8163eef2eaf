"""What an address says of its neighbours (`detection_growth`): a number right after it on its
line is a phone number, the name over an address block is its addressee."""

from __future__ import annotations

import pytest

from modelgw.trust.detection import Detection
from modelgw.trust.detection_growth import grown


def _with_address(text: str, address: str) -> list[tuple[str, str]]:
    start = text.index(address)
    found = grown(text, [Detection("ADDRESS", start, start + len(address), 0.9)])
    return [(d.entity_type, text[d.start : d.end]) for d in found]


@pytest.mark.parametrize(
    ("text", "address", "number"),
    [
        (
            "12 Main St, Springfield, IL 62701, 234 5678",
            "12 Main St, Springfield, IL 62701",
            "234 5678",
        ),
        ("lives at Hauptstraße 5 in Berlin 71234567.", "Hauptstraße 5 in Berlin", "71234567"),
        (
            "Rua Augusta 5, Lisboa, +351 21 234 5678\nThanks",
            "Rua Augusta 5, Lisboa",
            "+351 21 234 5678",
        ),
    ],
)
def test_a_number_after_an_address_is_a_phone(text: str, address: str, number: str) -> None:
    assert _with_address(text, address) == [("ADDRESS", address), ("PHONE_NUMBER", number)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "12 Main St, Springfield, IL 62701, 2024 was a good year",
            "12 Main St, Springfield, IL 62701",
        ),
        ("12 Main St, Springfield, IL 62701, order 12345678", "12 Main St, Springfield, IL 62701"),
        ("12 Main St, Springfield\n2345678", "12 Main St, Springfield"),  # the phone recognizer's
    ],
)
def test_other_numbers_after_an_address_are_not(text: str, address: str) -> None:
    assert _with_address(text, address) == [("ADDRESS", address)]


@pytest.mark.parametrize(
    ("text", "address", "name"),
    [
        (
            "BILL TO:\nFERGUS PENHALIGON\n1147 MARCHMONT ROAD\nKNOTTY ASH",
            "1147 MARCHMONT ROAD\nKNOTTY ASH",
            "FERGUS PENHALIGON",
        ),
        (
            "Ship to:\n  Ngozi Okonkwo-Eze\n4 Allen Ave\nIkeja",
            "4 Allen Ave\nIkeja",
            "Ngozi Okonkwo-Eze",
        ),
        ("ngozi okonkwo\n4 allen ave, ikeja", "4 allen ave, ikeja", "ngozi okonkwo"),
    ],
)
def test_the_name_over_an_address_block_is_its_addressee(
    text: str, address: str, name: str
) -> None:
    assert _with_address(text, address) == [("PERSON", name), ("ADDRESS", address)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Head Office\n1147 Marchmont Road\nLeeds", "1147 Marchmont Road\nLeeds"),  # words
        ("Tecelagem Aurora Ltda.\nRua Augusta 5\nLisboa", "Rua Augusta 5\nLisboa"),  # a firm
        ("Bill to:\n1147 Marchmont Road", "1147 Marchmont Road"),  # a label, not a name
        ("Fergus Penhaligon lives at 1147 Marchmont Road", "1147 Marchmont Road"),  # same line
        ("Fergus Penhaligon\n\n1147 Marchmont Road", "1147 Marchmont Road"),  # a blank between
        ("fergus Penhaligon\n1147 Marchmont Road", "1147 Marchmont Road"),  # two cases
    ],
)
def test_other_lines_over_an_address_are_not_addressees(text: str, address: str) -> None:
    assert _with_address(text, address) == [("ADDRESS", address)]
