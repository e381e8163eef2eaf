"""Cheap checks tried before costly patterns never skip a match (#13 speed).

Each check is a part that every match of its pattern holds, so a text without
it can have no match; these tests hold each pair to that, on texts made to sit
at the edges, and the glued-ending lookup to the plain scan it replaced.
"""

from __future__ import annotations

import re
from typing import Protocol

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust.address_words import GLUED_SUFFIXES
from modelgw.trust.disguises import (
    ODD_DIGIT_SEPARATOR,
    REWRITE_NEEDS,
    SPELLED_DIGITS,
    WORDED_EMAIL,
)
from modelgw.trust.recognizers import (
    address_shapes,
    address_world,
    names_in_context,
    places_by_cue,
)
from modelgw.trust.recognizers.address_shapes import _GLUED_WORD, glued_suffix


class _Searched(Protocol):
    def search(self, text: str) -> object: ...


PAIRS: list[tuple[_Searched, _Searched]] = [
    (address_world._SIX_DIGIT_LINE, address_world._SIX_DIGIT_TAIL),
    (address_world._JP_LINE, address_world._JP_TAIL),
    (names_in_context._BEFORE_MAIL, names_in_context._BRACKETED_MAILBOX),
    *places_by_cue._NEEDS.items(),
    (address_shapes._POSTCODE_CUE, address_shapes._POSTCODE_CUE_WORD),
    *REWRITE_NEEDS.items(),
]
PIECES = [
    "Delhi",
    "110001",
    "Shibuya-ku, Tokyo",
    "150-0002",
    "Ann Lee",
    "<",
    "(",
    "[",
    '"',
    "ann.lee",
    "@",
    "example.com",
    " ",
    "\t",
    "\n",
    ",",
    "-",
    "12345",
    "١٢٣٤٥٦",
    "moved ",
    "FROM ",
    "to ",
    "team for ",
    ":",
    "10.0.0.1 ",
    "fe80::1",
    ")",
    "Górno",
    "john",
    " at ",
    " AT ",
    "[at]",
    "(dot)",
    " dot ",
    ".",
    "com",
    "  ",
    "I l a",
    "one",
    "Five ",
    "oh",
    " point ",
    "double ",
    "TRIPLE-",
    "; ",
    "7",
    "/",
    "•",
    "_",
    "*",
    "io",
    "İ",
    "ZIP code",
    "Postal Code",
    "postcode: ",
    " PLZ ",
    "c.p. ",
    "SW1A 1AA",
    "02139",
    " is ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_a_text_without_the_quick_part_has_no_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    for pattern, quick in PAIRS:
        if pattern.search(text):
            assert quick.search(text), (pattern, text)


@pytest.mark.parametrize(
    "text",
    [
        "New Delhi 110001",
        "Shibuya-ku, Tokyo 150-0002",
        "Ann Lee <ann.lee@example.com>",
        "moving FROM Leeds to Górno",
        "seen from 10.0.0.1 (Górno)",
        "team for Górno:",
        "john dot smith at example dot com",
        "mail j o h n @ example . com or ann [at] example [dot] org",
        "I l a r i a  C a r u s o",
        "our ZIP code is 02139",
        "Postcode: SW1A 1AA",
    ],
)
def test_the_pairs_do_match_somewhere(text: str) -> None:
    assert any(pattern.search(text) and quick.search(text) for pattern, quick in PAIRS)


def _glued_suffix_by_scan(bare: str) -> str | None:
    """The lookup as it was: every ending length, longest first."""
    if not _GLUED_WORD.fullmatch(bare):
        return None
    for n in sorted({len(s) for s in GLUED_SUFFIXES}, reverse=True):
        if len(bare) >= n + 2 and bare[-n:] in GLUED_SUFFIXES:
            return bare[-n:]
    return None


def test_every_glued_ending_is_three_letters_at_least() -> None:
    assert min(len(s) for s in GLUED_SUFFIXES) >= 3


@pytest.mark.parametrize("ending", GLUED_SUFFIXES)
def test_glued_endings_are_found_as_by_the_scan(ending: str) -> None:
    for word in (
        ending,
        "x" + ending,
        "ab" + ending,
        "laug" + ending,
        ending[1:],
        "ab" + ending[1:],
    ):
        assert glued_suffix(word) == _glued_suffix_by_scan(word), word


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abeglnorstuvgðäß-'", max_size=14))
def test_any_word_gets_the_scans_answer(word: str) -> None:
    assert glued_suffix(word) == _glued_suffix_by_scan(word)


def test_the_scan_reference_finds_something() -> None:
    assert _glued_suffix_by_scan("laugavegur") == "vegur"


SPELLED_PIECES = [
    *("one", "Two", "oh", "ZERO", "nine", "Eight", "double ", "Triple-", "plus "),
    *(" ", "\t", ", ", " - ", "-", " dot ", " point ", ".", ";", "x", "or "),
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SPELLED_PIECES), min_size=4, max_size=16))
def test_spelled_digits_hold_their_quick_part(pieces: list[str]) -> None:
    text = "".join(pieces)
    if SPELLED_DIGITS.search(text):
        assert REWRITE_NEEDS[SPELLED_DIGITS].search(text), text


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (SPELLED_DIGITS, "call five five five, one two three, four five six seven"),
        (SPELLED_DIGITS, "plus double five triple-oh one two"),
        (SPELLED_DIGITS, "ONE NINE TWO dot one six eight point 1"),
        (WORDED_EMAIL, "john dot smith at example dot com"),
        (WORDED_EMAIL, "mail ann_lee at mail.example.co.uk now"),
        (WORDED_EMAIL, "k.palma AT example DOT technology"),
        (ODD_DIGIT_SEPARATOR, "card 4111_1111•1111/1111"),
        (ODD_DIGIT_SEPARATOR, "DE89*3704~0044"),
    ],
)
def test_a_rewrites_quick_part_is_in_its_matches(pattern: re.Pattern[str], text: str) -> None:
    assert pattern.search(text)
    assert REWRITE_NEEDS[pattern].search(text)
