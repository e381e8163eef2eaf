# ruff: noqa: RUF002  (look-alike characters are the point of this module)
"""A normalised copy of a text for detection, with a map back to the original.

People and tools obfuscate identifiers, on purpose or not: full-width digits,
zero-width spaces inside an email, Cyrillic letters that look Latin or like
digits (`З71815...`), accents typed as combining marks, a card number written
`4111•1111•1111•1111` or `4 1 1 1 ...`, `john [at] example [dot] com`, `john
dot smith at example dot com`, digits spelled out, a value broken over two
lines (see `disguises` and `line_breaks`). Detection reads the normalised
copy; every detected span is mapped back so the *original* characters get
masked, obfuscation included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from modelgw.trust import escapes, line_breaks
from modelgw.trust.disguises import NEEDS_WORK, RETRY_INSIDE, REWRITE_NEEDS, REWRITES
from modelgw.trust.look_alikes import (
    HOMOGLYPHS,
    LATIN_LOOK_ALIKE,
    MINUS_SIGNS,
    digit_positions,
    disguised_words,
    latin_digit_positions,
)

_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
"""Characters that render as nothing and are no format character (Unicode's
Default_Ignorable_Code_Point beyond category Cf): the grapheme joiner, Hangul and Khmer
fillers, variation selectors. Removed before detection, with every format character."""
_SPACED_DIGITS = re.compile(r"(?<![\w.\-])\+?\w(?:[.\-]\w){8,}(?!\w|[.\-]\w)")
"""Nine or more single letters or digits each followed by one dot or dash (`4.1.1.1 ...`,
`D.E.8.9 ...`); read as one value where five of them at least are digits."""


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
_Edit = tuple[int, int, str]
"""Replace text[start:end] with a string."""


def _rewrite(
    text: str, starts: list[int], ends: list[int], pattern: re.Pattern[str], repl: _Rewrite
) -> tuple[str, list[int], list[int]]:
    edits: list[_Edit] = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        replacement = repl(m)
        if replacement == m.group(0) and pattern in RETRY_INSIDE:
            # left as it was: a later word may begin the value (`me at i DOT yilmaz` is no
            # address; `i DOT yilmaz AT hotmail DOT com` is, and begins inside that match)
            space = text.find(" ", m.start(), m.end())
            pos = space + 1 if space >= 0 else m.end()
            continue
        edits.append(_narrowed(text, m.start(), m.end(), replacement))
        pos = max(m.end(), m.start() + 1)
    return _splice(text, starts, ends, [e for e in edits if e[2] != text[e[0] : e[1]]])


def _narrowed(text: str, start: int, end: int, replacement: str) -> _Edit:
    """The edit without the characters it leaves as they were at its end (`hotmail . com. ok`
    read as `hotmail.com. ok`): those keep their own place in the map."""
    same = 0
    while (
        same < min(end - start, len(replacement)) - 1
        and text[end - 1 - same] == replacement[len(replacement) - 1 - same]
    ):
        same += 1
    return start, end - same, replacement[: len(replacement) - same]


def _splice(
    text: str, starts: list[int], ends: list[int], edits: list[_Edit]
) -> tuple[str, list[int], list[int]]:
    """Apply non-overlapping edits in order; a replacement's characters map to the whole span."""
    if not edits:
        return text, starts, ends
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    cursor = 0
    for a, b, replacement in edits:
        out.append(text[cursor:a])
        new_starts.extend(starts[cursor:a])
        new_ends.extend(ends[cursor:a])
        if a < b:
            out.append(replacement)
            new_starts.extend([starts[a]] * len(replacement))
            new_ends.extend([ends[b - 1]] * len(replacement))
        cursor = b
    out.append(text[cursor:])
    new_starts.extend(starts[cursor:])
    new_ends.extend(ends[cursor:])
    return "".join(out), new_starts, new_ends


def _invisible(ch: str) -> bool:
    """Whether `ch` renders as nothing: a format character (zero-width spaces and joiners,
    soft hyphen, direction marks, tags, the BOM) or another default-ignorable one."""
    if ch.isascii():
        return False
    return unicodedata.category(ch) == "Cf" or ch in _IGNORABLE or 0xE0100 <= ord(ch) <= 0xE01EF


def _fold_char(ch: str, look_alikes: bool = False) -> str:
    """One character as detection reads it; `look_alikes`: its word is Latin or digits but
    for it, so a Cyrillic or Greek letter drawn like a Latin one is read as that letter.

    Every dash is `-`, every space separator a space, every line or paragraph separator a
    line break and every script's decimal digit its ASCII digit, by Unicode's own classes:
    a disguise drawn from a character nobody listed is still read."""
    if ch.isascii():
        return ch
    if _invisible(ch):
        return ""
    category = unicodedata.category(ch)
    if category == "Pd" or ch in MINUS_SIGNS:
        return "-"
    if category == "Zs":
        return " "
    if category in {"Zl", "Zp"} or ch == "\x85":
        return "\n"
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))  # Arabic-Indic, Devanagari, full-width, ... digits
    folded = unicodedata.normalize("NFKC", ch)
    return folded.translate(HOMOGLYPHS) if look_alikes else folded


def _without_invisibles(
    text: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    """`text` without the characters that render as nothing (`4111\u200b1111`, `j\u2060ohn`):
    removed before any other reading, so words and digit runs are whole again."""
    if text.isascii():
        return text, starts, ends
    edits = [(i, i + 1, "") for i, ch in enumerate(text) if _invisible(ch)]
    return _splice(text, starts, ends, edits)


def _fold(original: str) -> tuple[str, list[int], list[int]]:
    """Fold character by character; a letter and its combining accents become one character
    (`Gonc\u0327alves` is read as `Gonçalves`: the model does not know loose accents)."""
    digits = latin_digit_positions(original)
    if original.isascii() and not digits:
        return original, list(range(len(original))), list(range(1, len(original) + 1))
    digits.update(digit_positions(original))
    disguised = disguised_words(original)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(original):
        j = i + 1
        while j < len(original) and unicodedata.combining(original[j]):
            j += 1
        if i in digits:
            folded = digits[i]
        elif j > i + 1:
            folded = unicodedata.normalize("NFC", _without_extra_dot(original[i:j]))
            folded = "".join(_fold_char(c, i in disguised) for c in folded)
        else:
            folded = _fold_char(original[i], i in disguised)
        chars.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return "".join(chars), starts, ends


def _without_extra_dot(letter: str) -> str:
    """`i̇` (`İ` lower-cased: `i` and a combining dot) is `i`: the dot is already there, and
    left on it splits the word for the model (`i̇smail` was read as `smail`)."""
    if letter[0] in "ij" and "\u0307" in letter:
        return letter[0] + letter[1:].replace("\u0307", "", 1)
    return letter


def _unescaped_then_folded(original: str) -> tuple[str, list[int], list[int]]:
    """JSON and HTML escapes decoded (`G\\u00f3recka` is read as `Górecka`), characters that
    render as nothing removed, then `_fold`."""
    decoded = escapes.edits(original)
    if not decoded and original.isascii():
        return _fold(original)  # the common case: nothing to decode, nothing invisible
    n = len(original)
    base, base_starts, base_ends = _splice(original, list(range(n)), list(range(1, n + 1)), decoded)
    base, base_starts, base_ends = _without_invisibles(base, base_starts, base_ends)
    if base == original:
        return _fold(original)
    text, starts, ends = _fold(base)
    # `_fold`'s maps point into `base`; through `base`'s own maps they point into `original`.
    return (
        text,
        [base_starts[i] if i < len(base) else n for i in starts],
        [base_ends[e - 1] if e > 0 else 0 for e in ends],
    )


def _one_value(match: re.Match[str]) -> str:
    value = match.group(0)
    if sum(c.isdigit() for c in value) < 5:
        return value  # `v.1.2.a.b...`: not a value typed a character at a time
    return re.sub(r"[.\-]", "", value)


def normalise(original: str) -> NormalisedText:
    """Return the detection copy of `original` (the same object when nothing needs folding)."""
    if (
        original.isascii()
        and not NEEDS_WORK.search(original)
        and not escapes.QUICK.search(original)
        and not LATIN_LOOK_ALIKE.search(original)
    ):
        return NormalisedText(original, original)
    text, starts, ends = _unescaped_then_folded(original)
    if "\n" in text:
        text, starts, ends = _splice(text, starts, ends, line_breaks.joins(text))
    for pattern, repl in REWRITES:
        needs = REWRITE_NEEDS.get(pattern)
        if needs is None or needs.search(text):
            text, starts, ends = _rewrite(text, starts, ends, pattern, repl)
    text, starts, ends = _rewrite(text, starts, ends, _SPACED_DIGITS, _one_value)
    if text == original:
        return NormalisedText(original, original)
    return NormalisedText(original, text, tuple(starts), tuple(ends))
