"""Word patterns scanned with `[A-Za-z]` on ASCII texts find what they find as written (#13)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust import address_parts
from modelgw.trust.ascii_letters import LetterPattern
from modelgw.trust.recognizers import names_by_case, names_in_context

PATTERNS = {
    "street words": address_parts.WORD_RE,
    "words of names": names_by_case._WORD,
    "surname, given name": names_in_context._LAST_FIRST,
    "titled words": names_in_context._TITLED,
    "names over a line break": names_in_context._SPLIT_NAME,
}
PIECES = [
    *("Ann", "LEE", "o'neil", "O\u2019Neil", "Müller", "Łódź", "x1", "_a", "a_b", "Mr.", "St"),
    *(" ", "  ", "\n", "\r\n", "\t", ",", ", ", ".", "-", "'", "@", "7", "42nd", "é", "ß"),
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16))
def test_each_pattern_finds_what_it_finds_as_written(pieces: list[str]) -> None:
    text = "".join(pieces)
    for name, pattern in PATTERNS.items():
        assert isinstance(pattern, LetterPattern)
        expected = [m.span() for m in pattern.pattern.finditer(text)]
        assert [m.span() for m in pattern.finditer(text)] == expected, name
        for pos in range(0, len(text) + 1, 5):
            found, written = pattern.search(text, pos), pattern.pattern.search(text, pos)
            assert (found and found.span()) == (written and written.span()), name
            found, written = pattern.match(text, pos), pattern.pattern.match(text, pos)
            assert (found and found.span()) == (written and written.span()), name


def test_an_ascii_text_is_scanned_with_ranges_and_others_as_written() -> None:
    pattern = LetterPattern(r"[^\W\d_]+")
    assert pattern._for("Ann Lee") is not pattern.pattern
    assert "[A-Za-z]" in pattern._for("Ann Lee").pattern
    assert pattern._for("Łódź") is pattern.pattern
    assert [m.group(0) for m in pattern.finditer("Ann_Lee 4x Bo")] == ["Ann", "Lee", "x", "Bo"]
    escaped = LetterPattern(r"\[^\W\d_]")  # an escaped bracket: no class, left as written
    assert escaped._for("x").pattern == escaped.pattern.pattern
    assert re.compile(r"[^\W\d_]").pattern in pattern.pattern.pattern
