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
from modelgw.trust.disguises import (
    DIGIT_LOOK_ALIKES,
    LATIN_DIGIT_LOOK_ALIKES,
    NEEDS_WORK,
    REWRITE_NEEDS,
    REWRITES,
)

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
_LATIN_LOOK_ALIKE = re.compile(r"\d[lIOo]|[lIOo]\d")
_GROUP = r"[^\W_]*\d[^\W_]*"
_DIGIT_RUN = re.compile(rf"(?<![\w.\-]){_GROUP}(?:[ \-./]{_GROUP})*")
"""Groups of letters and digits, each with a digit, joined by one space, dash, dot or slash."""
_IBAN_START = re.compile(r"[A-Za-z]{2}\d{2}")
_LOOK_ALIKE = re.compile("[" + "".join(DIGIT_LOOK_ALIKES) + "]")
# Nine or more single digits each followed by one dot or dash ("4.1.1.1 ...").
_SPACED_DIGITS = re.compile(r"\b\d(?:[.\-]\d){8,}\b")


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
    edits = [(m.start(), m.end(), repl(m)) for m in pattern.finditer(text)]
    return _splice(text, starts, ends, [e for e in edits if e[2] != text[e[0] : e[1]]])


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


def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    if ch in _DASHES:
        return "-"
    if ch in _SPACES:
        return " "
    if ch.isascii():
        return ch
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))  # Arabic-Indic, Devanagari, full-width, ... digits
    return unicodedata.normalize("NFKC", ch).translate(_HOMOGLYPHS)


def _digit_positions(original: str) -> dict[int, str]:
    """Look-alike letters among digits: `З71815`, `2Ο4.зо.55.27`, `+зз (о)3 81 64`.

    A look-alike counts as a digit where its word, or the dozen characters around it, hold
    three digits or more and fewer than half as many Latin letters; in an e-mail such as
    `emily51@example.com` with Cyrillic letters, the letters stay letters. So do the letters
    of a Cyrillic or Greek word (`году`), and a one-letter word beside one (`з 12 і 13 травня`).
    """
    found: dict[int, str] = {}
    for match in _LOOK_ALIKE.finditer(original):
        i = match.start()
        if _in_a_word(original, i):
            continue
        if (
            _among_digits(original[max(0, i - 6) : i + 7])
            or _among_digits(_token(original, i))
            or _in_number(original, i)
        ):
            found[i] = DIGIT_LOOK_ALIKES[match.group(0)]
    return found


_NUMBER_PUNCTUATION = frozenset("+-.()/")
_WORD_AROUND = re.compile(r"[^\W\d_]{2,}")


def _foreign_letter(ch: str) -> bool:
    return ch.isalpha() and not ch.isascii() and ch not in DIGIT_LOOK_ALIKES


def _in_a_word(text: str, i: int) -> bool:
    word = _token(text, i).strip(",.;:!?()\"'")
    if any(_foreign_letter(c) for c in word):
        return True
    if len(word) != 1:
        return False
    return any(
        any(_foreign_letter(c) for c in w.group(0))
        for w in _WORD_AROUND.finditer(text[max(0, i - 12) : i + 13])
    )


def _digit_like(ch: str) -> bool:
    return ch.isdecimal() or ch in DIGIT_LOOK_ALIKES


def _in_number(text: str, i: int) -> bool:
    """A look-alike in a written number: `+зз (о)3 81 64 74 04`, `О2 47 4І 22 8О`.

    Its word holds nothing but digits, look-alikes and number punctuation, two digit-like
    characters at least (a lone `о`, `з`, `і` is a Slavic word), and the run of such words
    around it, joined by single spaces, holds six digit-like characters or more, three of
    them real digits. Prose around the number does not count against it, as it does in
    the window `_among_digits` reads.
    """
    word = _token(text, i)
    if sum(_digit_like(c) for c in word) < 2 or not all(
        _digit_like(c) or c in _NUMBER_PUNCTUATION for c in word
    ):
        return False
    start = end = i
    while start > 0 and (
        _digit_like(text[start - 1])
        or text[start - 1] in _NUMBER_PUNCTUATION
        or (text[start - 1] == " " and start > 1 and text[start - 2] != " ")
    ):
        start -= 1
    while end < len(text) and (
        _digit_like(text[end])
        or text[end] in _NUMBER_PUNCTUATION
        or (text[end] == " " and end + 1 < len(text) and text[end + 1] != " ")
    ):
        end += 1
    run = text[start:end]
    return sum(_digit_like(c) for c in run) >= 6 and sum(c.isdecimal() for c in run) >= 3


def _latin_digit_positions(original: str) -> dict[int, str]:
    """Latin letters typed for digits: `3589l45252309550`, `858-O1-4102`, `AT4686l43l35...`.

    Only in a run of digit groups (`4111 l111 1111`) holding five digits or more, whose
    other letters, if any, are the two that start an IBAN: `Ola`, `l10n`, `Model X1O0` and
    an IBAN's own letters (`GB29 NWBK ...`) stay letters.
    """
    found: dict[int, str] = {}
    if not _LATIN_LOOK_ALIKE.search(original):
        return found
    for run in _DIGIT_RUN.finditer(original):
        value = run.group(0)
        lookalikes = [i for i, c in enumerate(value) if c in LATIN_DIGIT_LOOK_ALIKES]
        others = [
            i
            for i, c in enumerate(value)
            if c.isalpha() and c not in LATIN_DIGIT_LOOK_ALIKES and c not in DIGIT_LOOK_ALIKES
        ]
        digits = sum(c.isdecimal() or c in DIGIT_LOOK_ALIKES for c in value) + len(lookalikes)
        if not lookalikes or digits < 5 + len(lookalikes) or any(i > 1 for i in others):
            continue
        if len(lookalikes) > (digits - len(lookalikes)) // 2:
            continue  # more letters than a slip of the keyboard: a word among numbers
        convert = {i: LATIN_DIGIT_LOOK_ALIKES[value[i]] for i in lookalikes if i > 1 or not others}
        if _IBAN_START.match(value) and not _iban_valid(value, convert):
            continue  # an IBAN's own letters (`IT60 X054...`): its checksum says which they are
        found.update({run.start() + i: digit for i, digit in convert.items()})
    return found


def _iban_valid(value: str, convert: dict[int, str]) -> bool:
    chars = [convert.get(i, c) for i, c in enumerate(value)]
    compact = "".join(c for c in chars if c.isalnum()).upper()
    if not compact.isascii() or not 15 <= len(compact) <= 34:
        return False
    return int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1


def _among_digits(around: str) -> bool:
    digits = sum(c.isdecimal() or c in DIGIT_LOOK_ALIKES for c in around) - 1
    letters = sum(c.isascii() and c.isalpha() for c in around)
    return digits >= 3 and digits > 2 * letters


def _token(text: str, i: int) -> str:
    start = i
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = i
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


def _fold(original: str) -> tuple[str, list[int], list[int]]:
    """Fold character by character; a letter and its combining accents become one character
    (`Gonc\u0327alves` is read as `Gonçalves`: the model does not know loose accents)."""
    digits = _latin_digit_positions(original)
    if original.isascii() and not digits:
        return original, list(range(len(original))), list(range(1, len(original) + 1))
    digits.update(_digit_positions(original))
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
            folded = unicodedata.normalize("NFC", original[i:j])
            folded = "".join(_fold_char(c) for c in folded)
        else:
            folded = _fold_char(original[i])
        chars.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return "".join(chars), starts, ends


def _unescaped_then_folded(original: str) -> tuple[str, list[int], list[int]]:
    """JSON and HTML escapes decoded (`G\\u00f3recka` is read as `Górecka`), then `_fold`."""
    decoded = escapes.edits(original)
    if not decoded:
        return _fold(original)
    n = len(original)
    base, base_starts, base_ends = _splice(original, list(range(n)), list(range(1, n + 1)), decoded)
    text, starts, ends = _fold(base)
    # `_fold`'s maps point into `base`; through `base`'s own maps they point into `original`.
    return (
        text,
        [base_starts[i] if i < len(base) else n for i in starts],
        [base_ends[e - 1] if e > 0 else 0 for e in ends],
    )


def normalise(original: str) -> NormalisedText:
    """Return the detection copy of `original` (the same object when nothing needs folding)."""
    if (
        original.isascii()
        and not NEEDS_WORK.search(original)
        and not escapes.QUICK.search(original)
        and not _LATIN_LOOK_ALIKE.search(original)
    ):
        return NormalisedText(original, original)
    text, starts, ends = _unescaped_then_folded(original)
    if "\n" in text:
        text, starts, ends = _splice(text, starts, ends, line_breaks.joins(text))
    for pattern, repl in REWRITES:
        needs = REWRITE_NEEDS.get(pattern)
        if needs is None or needs.search(text):
            text, starts, ends = _rewrite(text, starts, ends, pattern, repl)
    text, starts, ends = _rewrite(
        text, starts, ends, _SPACED_DIGITS, lambda m: re.sub(r"[.\-]", "", m.group(0))
    )
    if text == original:
        return NormalisedText(original, original)
    return NormalisedText(original, text, tuple(starts), tuple(ends))
