"""Presidio's recognizers behind a quick check or windows find what Presidio's own do (#13)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    MedicalLicenseRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
)

from modelgw.trust.recognizers.presidio_checked import (
    CheckedEmailRecognizer,
    CheckedMedicalLicenseRecognizer,
    CheckedUsLicenseRecognizer,
    CheckedUsPassportRecognizer,
    _WindowedRegex,
)

PAIRS: list[tuple[PatternRecognizer, PatternRecognizer]] = [
    (EmailRecognizer(), CheckedEmailRecognizer()),
    (MedicalLicenseRecognizer(), CheckedMedicalLicenseRecognizer()),
    (UsPassportRecognizer(), CheckedUsPassportRecognizer()),
    (UsLicenseRecognizer(), CheckedUsLicenseRecognizer()),
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
    # Beside the runs' edges and inside them: other spaces, punctuation, letters that
    # IGNORECASE folds into [A-Z] (long s, Kelvin sign), the licence pattern's stray `A-Z]`.
    "\t",
    "\u00a0",
    "\u2003",
    "\x1c",
    ",",
    ".",
    "(",
    "]",
    "A-Z]]",
    "\u017f",
    "\u212a",
    "D12",
    "x9",
    "12ab",
    "é",
]


def _found(recognizer: PatternRecognizer, text: str) -> list[tuple[str, int, int, float]]:
    return [(r.entity_type, r.start, r.end, r.score) for r in recognizer.analyze(text, [])]


@settings(max_examples=800, deadline=None)
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
        ("licence D1234567, state WA", 3),
        ("lic:A-Z]]123;", 3),
        ("mail:ann@example.com,bob@example.org\tcc ann@x.io", 0),
    ],
)
def test_each_still_finds_its_own(text: str, index: int) -> None:
    stock, checked = PAIRS[index]
    assert _found(checked, text) == _found(stock, text) != []


def test_a_text_without_the_part_is_skipped() -> None:
    assert not CheckedEmailRecognizer.needs.search("no mail here, ann at example dot com")
    assert CheckedEmailRecognizer.needs.search("ann@example.com")


def test_the_stock_recognizers_keep_their_own_patterns() -> None:
    """Presidio's pattern objects are class-wide: the windowed copies must not replace them."""
    checked, stock = CheckedUsLicenseRecognizer(), UsLicenseRecognizer()
    assert _found(stock, "licence D1234567") == _found(checked, "licence D1234567") != []
    # Read through vars(): Presidio assigns `patterns` in branches mypy cannot type.
    checked_patterns: list[Pattern] = vars(checked)["patterns"]
    stock_patterns: list[Pattern] = vars(stock)["patterns"]
    assert any(isinstance(p.compiled_regex, _WindowedRegex) for p in checked_patterns)
    assert not any(isinstance(p.compiled_regex, _WindowedRegex) for p in stock_patterns)
