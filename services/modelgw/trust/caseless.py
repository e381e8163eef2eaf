"""Case-insensitive word patterns, scanned case-sensitively over an ASCII text lower-cased.

Python's `re` scans a case-insensitive alternation of words (`(?i)louis
vuitton|tommy hilfiger|...`) several times slower than the same pattern
case-sensitively: it cannot narrow the positions it tries by the words'
first letters. Over an ASCII text the two find the same spans when no part
of the pattern tells an upper-case letter from a lower-case one: no
upper-case letter in it but in the escapes `\\W`, `\\S`, `\\D`, `\\B`, `\\A`,
`\\Z` and a named group's `(?P`; no `(?-i)`; no dotless i or long s, which
`(?i)` pairs with `i` and `s`. Then each ASCII character matches in `text`
under `(?i)` exactly when its lower case matches case-sensitively in
`text.lower()`, which has the same length and the same offsets. Other texts
are scanned case-insensitively as before.

A match over the lower-cased copy holds lower-cased groups: callers take
offsets from it and slice the original text for anything case matters to.

In that copy every letter is one of `a` to `z`, so the class of letters that
name patterns are written with, `[^\\W\\d_]` (a word character, no digit, no
underscore: Unicode categories looked up per character), is scanned as
`[a-z]` (a range test): the same characters there, ~20% less time for the
word-list patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_GROUP_SYNTAX = re.compile(r"\(\?P[<=]")
"""`(?P<name>` and `(?P=name)`: syntax, not a letter to match."""
_LETTER = re.compile(r"(?<!\\)\[\^\\W\\d_\]")
"""`[^\\W\\d_]` as a class of its own (not an escaped bracket): a letter."""
_PAIRED_WITH_ASCII = ("\u0131", "\u017f", "\\u0131", "\\u017f", "\\U", "\\N", "\\x", "(?-")
"""Dotless i and long s (`(?i)` pairs them with `i` and `s`), and what could spell a letter or
turn case-insensitivity off in a part of the pattern."""


class CaselessPattern:
    """`re.compile(source, re.IGNORECASE | flags)`, with a faster scan of ASCII texts."""

    def __init__(self, source: str, flags: int = 0) -> None:
        bare = _ESCAPE.sub(lambda m: "" if m.group(1) in "WSDBAZ" else m.group(0), source)
        bare = _GROUP_SYNTAX.sub("", bare)
        if any(c.isascii() and c.isupper() for c in bare) or any(
            part in source for part in _PAIRED_WITH_ASCII
        ):
            raise ValueError(f"not a case-free pattern: {source[:60]!r}")
        self.pattern = re.compile(source, re.IGNORECASE | flags)
        self._lowered = re.compile(_LETTER.sub("[a-z]", source), flags)
        self._last: tuple[str, str] | None = None

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """`self.pattern.search(text, pos)`'s span; over `text.lower()` for an ASCII text."""
        if text.isascii():
            return self._lowered.search(self._lower(text), pos)
        return self.pattern.search(text, pos)

    def _lower(self, text: str) -> str:
        """`text.lower()`, remembered for the last text: a caller searching on from match to
        match reads the same text again and again."""
        last = self._last  # one read: another thread may replace it meanwhile
        if last is not None and last[0] is text:
            return last[1]
        lowered = text.lower()
        self._last = (text, lowered)
        return lowered

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        """`self.pattern.finditer(text, pos, endpos)`'s spans; an ASCII text's matches are over
        `text.lower()` (their groups lower-cased)."""
        end = len(text) if endpos is None else endpos
        if text.isascii():
            return self._lowered.finditer(self._lower(text), pos, end)
        return self.pattern.finditer(text, pos, end)
