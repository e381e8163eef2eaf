# ruff: noqa: SIM905  (word lists read best as words)
"""A case-free pattern scanned over an ASCII text lower-cased finds what `(?i)` finds (#13)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust import disguises, span_review, titles
from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.recognizers import names_by_role, names_in_context, places_by_cue
from modelgw.trust.recognizers.bearer_token import BearerTokenRecognizer
from modelgw.trust.recognizers.password import PasswordRecognizer
from modelgw.trust.recognizers.ssn import CuedSsnRecognizer

PATTERNS = {
    "brands": span_review._BRAND,
    "things": span_review._THING,
    "media words": titles._MEDIA_WORD,
    "name lists": names_in_context._LIST,
    "place cues": places_by_cue._CUES,
    "to the": places_by_cue._TO_THE,
    "team for": places_by_cue._TEAM_FOR,
    "after an honorific": names_by_role._AFTER_HONORIFIC,
    "office verb by": names_by_role._BY,
    "role": names_by_role._ROLE,
    "meeting with": names_by_role._MEETING,
}
QUICK_CHECKS = [
    disguises.NEEDS_WORK,
    PasswordRecognizer.quick_check,
    BearerTokenRecognizer.quick_check,
    CuedSsnRecognizer.quick_check,
]
WORDS = [
    *"Louis Vuitton|ROCHE|Hilton|Dyson|tiffany & co|Swiss cheese|BLOODY MARY|playlist".split("|"),
    *"Book|films|Rinaldi|KRÜGER|and|Or|y|moved|TO|from|based IN|Office|at|the|Team for".split("|"),
    *"Zürich|São Paulo|'s-Hertogenbosch|O'Neil|d'Arc|Müller-Lüdenscheid|Ángela|KÖHLER".split("|"),
    *"Mr.|FRAU|Señor|approved|BY|Customer|meeting|With|dean smith|Piran Özdemir".split("|"),
    *"FIVE|one|Double|AT|dot|[at]|(DOT)|1.2.3.4.5|4 . 1|7_8|@ x".split("|"),
    *"PassWord|pwd|Bearer|authorization|API-KEY|ssn|SS #|Social Security|soc. sec".split("|"),
    *"ann|ERIC|x1|4|-|'|:|;|,|.|(|)|&|\n|\t|  ".split("|"),
    "\u0131",  # dotless i: `(?i)` pairs it with i
    "\u017f",  # long s: with s
    "\u212a",  # the Kelvin sign: with k
    "\u0130",  # capital I with a dot: with i
]


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14), st.lists(st.booleans(), max_size=14))
def test_each_pattern_finds_what_its_case_insensitive_form_finds(
    words: list[str], upper: list[bool]
) -> None:
    cased = [w.upper() if u else w for w, u in zip(words, [*upper, *[False] * 14], strict=False)]
    text = " ".join(cased)
    for name, pattern in PATTERNS.items():
        assert _spans(pattern.finditer(text)) == _spans(pattern.pattern.finditer(text)), name
        for pos in range(0, len(text) + 1, 7):  # searching on from a position, as cue loops do
            found, expected = pattern.search(text, pos), pattern.pattern.search(text, pos)
            assert (found and found.span()) == (expected and expected.span()), name
    for check in QUICK_CHECKS:
        assert isinstance(check, CaselessPattern)
        found, expected = check.search(text), check.pattern.search(text)
        assert (found and found.span()) == (expected and expected.span()), check.pattern


def test_an_ascii_text_is_scanned_lower_cased_and_spans_hold() -> None:
    text = "Mrs Dyson bought a LOUIS VUITTON bag and Swiss Cheese"
    found = list(span_review._BRAND.finditer(text))
    assert [m.group(0) for m in found] == ["dyson", "louis vuitton"]  # the lower-cased copy
    assert [text[m.start() : m.end()] for m in found] == ["Dyson", "LOUIS VUITTON"]


@pytest.mark.parametrize(
    "source",
    ["[A-Z]+", "abc(?-i:d)", "Straße", "\\\\W", "\\x41", "a\u0131", "\u017fs", "\\N{LATIN}"],
)
def test_a_pattern_that_tells_case_apart_is_refused(source: str) -> None:
    with pytest.raises(ValueError, match="case-free"):
        CaselessPattern(source)


def test_the_escapes_that_ignore_case_are_allowed() -> None:
    pattern = CaselessPattern(r"(?<![\w'])[^\W\d_]+\S*\b\s\D")
    assert pattern.pattern.flags & re.IGNORECASE


def test_the_lower_cased_scan_reads_letters_as_a_to_z() -> None:
    assert "[a-z]" in names_in_context._LIST._lowered.pattern
    assert r"[^\W\d_]" not in names_in_context._LIST._lowered.pattern
    escaped = CaselessPattern(r"\[^\W\d_]")  # an escaped bracket: no class, left as written
    assert escaped._lowered.pattern == escaped.pattern.pattern
