"""A number right after an address on its line is a phone number (`detection_growth`)."""

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
