"""Presidio's recognizers behind a quick check find what Presidio's own find (#13 speed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    MedicalLicenseRecognizer,
    UsPassportRecognizer,
)

from modelgw.trust.recognizers.presidio_checked import (
    CheckedEmailRecognizer,
    CheckedMedicalLicenseRecognizer,
    CheckedUsPassportRecognizer,
)

PAIRS: list[tuple[PatternRecognizer, PatternRecognizer]] = [
    (EmailRecognizer(), CheckedEmailRecognizer()),
    (MedicalLicenseRecognizer(), CheckedMedicalLicenseRecognizer()),
    (UsPassportRecognizer(), CheckedUsPassportRecognizer()),
]
PIECES = [
    "ann",
    "@",
    "example.com",
    "AB",
    "bx",
    "1234567",
    "12345678",
    "9",
    "٣٤٥٦٧٨٩",
    "-",
    " ",
    "\n",
]


def _found(recognizer: PatternRecognizer, text: str) -> list[tuple[str, int, int, float]]:
    return [(r.entity_type, r.start, r.end, r.score) for r in recognizer.analyze(text, [])]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_the_checked_recognizers_find_what_presidios_find(pieces: list[str]) -> None:
    text = "".join(pieces)
    for stock, checked in PAIRS:
        assert _found(checked, text) == _found(stock, text), (type(stock).__name__, text)


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("mail ann@example.com now", 0),
        ("DEA AB1234563 on file", 1),  # a valid DEA checksum
        ("passport 912803456", 2),
    ],
)
def test_each_still_finds_its_own(text: str, index: int) -> None:
    stock, checked = PAIRS[index]
    assert _found(checked, text) == _found(stock, text) != []


def test_a_text_without_the_part_is_skipped() -> None:
    assert not CheckedEmailRecognizer.needs.search("no mail here, ann at example dot com")
    assert CheckedEmailRecognizer.needs.search("ann@example.com")
