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

_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
"""Characters that render as nothing and are no format character (Unicode's
Default_Ignorable_Code_Point beyond category Cf): the grapheme joiner, Hangul and Khmer
fillers, variation selectors. Removed before detection, with every format character."""
_MINUS_SIGNS = frozenset("\u2212\u2043\u02d7\u2796\u207b\u208b")
"""Minus signs and the hyphen bullet: drawn like a dash, classed as symbols."""
# Cyrillic and Greek letters that are drawn like Latin ones.
_HOMOGLYPH_FROM = "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅαοριкνΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"
_HOMOGLYPHS = str.maketrans(_HOMOGLYPH_FROM, "aeopcyxijsdqwhlABEKMHOPCTXIJSaopikvABEZHIKMNOPTYX")
_LOOK_ALIKE_LETTERS = frozenset(_HOMOGLYPH_FROM)
_WORD_RUN = re.compile(r"[\w\u0300-\u036f]+")
"""A word for the look-alike test: letters, digits and their combining accents."""
_DIGITISH = "[\\d" + "".join(DIGIT_LOOK_ALIKES) + "]"
_LATIN_LOOK_ALIKE = re.compile(
    rf"{_DIGITISH}[lIOo]|[lIOo]{_DIGITISH}|{_DIGITISH}\W{{1,3}}[lIOo]{{1,4}}(?![^\W\d_])"
    rf"|(?<![^\W\d_])[lIOo]{{1,4}}\W{{1,3}}{_DIGITISH}"
)
"""A Latin look-alike next to a digit, or a group of them alone a separator away (`... 2229
lo`, not `10 of`), a Cyrillic look-alike counting as a digit (a Cyrillic I before a Latin O
among digits): what `_latin_digit_positions` needs, looked for first."""
_GROUP = r"[^\W_]*\d[^\W_]*"
_DASH = "".join(
    re.escape(chr(c))
    for c in range(0x2E80)
    if unicodedata.category(chr(c)) == "Pd" or chr(c) in _MINUS_SIGNS
) + re.escape("\ufe31\ufe32\ufe58\ufe63\uff0d")
"""Every dash and minus sign a number's groups may be joined by (`⸻`, `֊`, a heavy
minus sign, a hyphen bullet)."""
_GAP = "\u00a0\u2000-\u200a\u202f\u205f\u3000"
_JOIN_TIGHT = rf"(?:[ {_GAP}]?[{_DASH}][ {_GAP}]?|[./])"
_JOIN_SPACE = rf"[ {_GAP}]"
_LOOK = r"[lIOo]{1,4}(?![^\W_])"
_DIGIT_RUN = re.compile(
    rf"(?<![\w.\-]){_GROUP}(?:(?:{_JOIN_TIGHT}|{_JOIN_SPACE}){_GROUP}|{_JOIN_TIGHT}{_LOOK}"
    rf"|{_JOIN_SPACE}{_LOOK}(?=$|[^\w\s]|(?:{_JOIN_TIGHT}|{_JOIN_SPACE})(?:\d|{_LOOK})))*"
)
"""Groups of letters and digits, each with a digit, joined by one space, dash, dot or slash of
any Unicode kind (`5660⸻5555`, `3876\u20004O76`); a group of look-alikes alone (`... 2229
lo`, `5.0.1 ... 4.O`) too, though after a space only before another group or the value's
end, never before a word (`ticket 55512 I think`)."""
_IBAN_START = re.compile(r"[A-Za-z]{2}\d{2}")
_LOOK_ALIKE = re.compile("[" + "".join(DIGIT_LOOK_ALIKES) + "]")
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
    edits = [_narrowed(text, m.start(), m.end(), repl(m)) for m in pattern.finditer(text)]
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
    if category == "Pd" or ch in _MINUS_SIGNS:
        return "-"
    if category == "Zs":
        return " "
    if category in {"Zl", "Zp"} or ch == "\x85":
        return "\n"
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))  # Arabic-Indic, Devanagari, full-width, ... digits
    folded = unicodedata.normalize("NFKC", ch)
    return folded.translate(_HOMOGLYPHS) if look_alikes else folded


def _without_invisibles(
    text: str, starts: list[int], ends: list[int]
) -> tuple[str, list[int], list[int]]:
    """`text` without the characters that render as nothing (`4111\u200b1111`, `j\u2060ohn`):
    removed before any other reading, so words and digit runs are whole again."""
    if text.isascii():
        return text, starts, ends
    edits = [(i, i + 1, "") for i, ch in enumerate(text) if _invisible(ch)]
    return _splice(text, starts, ends, edits)


def _disguised_words(original: str) -> set[int]:
    """Where look-alike letters disguise a Latin word or a number: `Ρaypal`, `еmily51`.

    Only in a word whose other characters are all Latin letters or digits, one of them at
    least: a Cyrillic or Greek word (`Тверская`, `Москва`, `Αθήνα`) is written in its own
    script, and reading its look-alike letters as Latin ones would turn it into a word of
    neither script, which no recognizer or model knows.
    """
    found: set[int] = set()
    for word in _WORD_RUN.finditer(original):
        value = word.group(0)
        if not any(c in _LOOK_ALIKE_LETTERS for c in value):
            continue
        if not any(c.isascii() and c.isalnum() for c in value):
            continue
        if all(
            c in _LOOK_ALIKE_LETTERS
            or c.isascii()
            or unicodedata.combining(c)
            or (c in DIGIT_LOOK_ALIKES and any(d.isascii() and d.isdigit() for d in value))
            for c in value
        ):  # a digit look-alike among real digits (`LU07з692`) is no Cyrillic word
            found.update(range(word.start(), word.end()))
    return found


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
            or _in_code(original, i)
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


def _in_code(text: str, i: int) -> bool:
    """A look-alike that no Latin letter is drawn like (`З`, `б`, `Ч`) in a code of Latin
    letters and digits: `LU07з692FR8...`, `YЗ1W`. In such a word it can only stand for a digit
    (`О` and `І` there are read as the Latin letters they look like, and an IBAN's checksum
    decides whether they were digits)."""
    if text[i] in _LOOK_ALIKE_LETTERS:
        return False
    word = _token(text, i).strip(",.;:!?()\"'")
    return any(c.isascii() and c.isdigit() for c in word) and all(
        (c.isascii() and c.isalnum()) or c in DIGIT_LOOK_ALIKES or c in "-." for c in word
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
    disguised = _disguised_words(original)
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
    text, starts, ends = _rewrite(text, starts, ends, _SPACED_DIGITS, _one_value)
    if text == original:
        return NormalisedText(original, original)
    return NormalisedText(original, text, tuple(starts), tuple(ends))
