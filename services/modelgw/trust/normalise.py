"""A normalised copy of a text for detection, with a map back to the original.

People and tools obfuscate identifiers, on purpose or not: full-width digits,
zero-width spaces inside an email, Cyrillic letters that look Latin, a card
number written `4111•1111•1111•1111` or `4 1 1 1 ...`, `john [at] example
[dot] com`. Detection reads the normalised copy; every detected span is mapped
back so the *original* characters get masked, obfuscation included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Characters that render as nothing; removed before detection.
_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_SPACES = frozenset(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u202f\u205f\u3000"
)
# Cyrillic and Greek letters that are drawn like Latin ones.
_HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅαοριкνΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdqwhlABEKMHOPCTXIJSaopikvABEZHIKMNOPTYX",
)
_OBFUSCATED_AT = re.compile(r"\s*[\[\(\{<]\s*(?:at|AT|At)\s*[\]\)\}>]\s*")
_OBFUSCATED_DOT = re.compile(r"\s*[\[\(\{<]\s*(?:dot|DOT|Dot)\s*[\]\)\}>]\s*")
# Digit groups joined by separators that pattern recognizers do not expect.
_ODD_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[_•·∙⋅/\\|*~]+(?=\d)")
# Nine or more single digits each followed by one space/dot/dash ("4 1 1 1 ...").
_SPACED_DIGITS = re.compile(r"\b\d(?:[ .\-]\d){8,}\b")
_NEEDS_WORK = re.compile(
    r"[\[\(\{<]\s*(?:at|dot)\s*[\]\)\}>]|\d[_•·/\\|*~]+\d|\b\d[ .\-]\d[ .\-]\d", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """`text` is what detection reads; spans in it map back to `original`."""

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    """Original start offset of each character of `text`; None when `text is original`."""
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            return self.starts[start] if start < len(self.starts) else len(self.original), 0
        return self.starts[start], self.ends[end - 1]


_Rewrite = Callable[[re.Match[str]], str]


def _rewrite(
    text: str, starts: list[int], ends: list[int], pattern: re.Pattern[str], repl: _Rewrite
) -> tuple[str, list[int], list[int]]:
    """Replace matches; the characters of a replacement map to the whole matched span."""
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    cursor = 0
    for match in pattern.finditer(text):
        a, b = match.span()
        out.append(text[cursor:a])
        new_starts.extend(starts[cursor:a])
        new_ends.extend(ends[cursor:a])
        replacement = repl(match)
        if a < b:
            out.append(replacement)
            new_starts.extend([starts[a]] * len(replacement))
            new_ends.extend([ends[b - 1]] * len(replacement))
        cursor = b
    out.append(text[cursor:])
    new_starts.extend(starts[cursor:])
    new_ends.extend(ends[cursor:])
    return "".join(out), new_starts, new_ends


def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    if ch in _DASHES:
        return "-"
    if ch in _SPACES:
        return " "
    if ch.isascii():
        return ch
    return unicodedata.normalize("NFKC", ch).translate(_HOMOGLYPHS)


def normalise(original: str) -> NormalisedText:
    """Return the detection copy of `original` (the same object when nothing needs folding)."""
    if original.isascii() and not _NEEDS_WORK.search(original):
        return NormalisedText(original, original)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(original):
        folded = _fold_char(ch)
        chars.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
    text = "".join(chars)
    text, starts, ends = _rewrite(text, starts, ends, _OBFUSCATED_AT, lambda m: "@")
    text, starts, ends = _rewrite(text, starts, ends, _OBFUSCATED_DOT, lambda m: ".")
    text, starts, ends = _rewrite(text, starts, ends, _ODD_DIGIT_SEPARATOR, lambda m: "-")
    text, starts, ends = _rewrite(
        text, starts, ends, _SPACED_DIGITS, lambda m: re.sub(r"[ .\-]", "", m.group(0))
    )
    if text == original:
        return NormalisedText(original, original)
    return NormalisedText(original, text, tuple(starts), tuple(ends))
