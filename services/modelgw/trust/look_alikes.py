# ruff: noqa: RUF002  (look-alike characters are the point of this module)
"""Where characters of another script, or Latin letters, stand for digits or Latin letters.

`normalise` folds a text character by character; this module says which characters it
must read as something else: a Cyrillic or Greek letter drawn like a Latin one inside a
Latin word (`Ρaypal`), a look-alike among digits (`З71815`, `2Ο4.зо.55.27`), a Latin
`O`, `l` or `I` typed in a run of digit groups (`4111 l111 ...`). A Cyrillic or Greek word
(`Тверская`) keeps its letters.
"""

from __future__ import annotations

import re
import unicodedata

from modelgw.trust.disguises import DIGIT_LOOK_ALIKES, LATIN_DIGIT_LOOK_ALIKES

MINUS_SIGNS = frozenset("\u2212\u2043\u02d7\u2796\u207b\u208b")
"""Minus signs and the hyphen bullet: drawn like a dash, classed as symbols."""
# Cyrillic and Greek letters that are drawn like Latin ones.
_HOMOGLYPH_FROM = "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅαοριкνΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"
HOMOGLYPHS = str.maketrans(_HOMOGLYPH_FROM, "aeopcyxijsdqwhlABEKMHOPCTXIJSaopikvABEZHIKMNOPTYX")
_LOOK_ALIKE_LETTERS = frozenset(_HOMOGLYPH_FROM)
_WORD_RUN = re.compile(r"[\w\u0300-\u036f]+")
"""A word for the look-alike test: letters, digits and their combining accents."""
_DIGITISH = "[\\d" + "".join(DIGIT_LOOK_ALIKES) + "]"
LATIN_LOOK_ALIKE = re.compile(
    rf"{_DIGITISH}[lIOo]|[lIOo]{_DIGITISH}|{_DIGITISH}\W{{1,3}}[lIOo]{{1,4}}(?![^\W\d_])"
    rf"|(?<![^\W\d_])[lIOo]{{1,4}}\W{{1,3}}{_DIGITISH}"
)
"""A Latin look-alike next to a digit, or a group of them alone a separator away (`... 2229
lo`, not `10 of`), a Cyrillic look-alike counting as a digit (a Cyrillic I before a Latin O
among digits): what `latin_digit_positions` needs, looked for first."""
_GROUP = r"[^\W_]*\d[^\W_]*"
_DASH = "".join(
    re.escape(chr(c))
    for c in range(0x2E80)
    if unicodedata.category(chr(c)) == "Pd" or chr(c) in MINUS_SIGNS
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


def disguised_words(original: str) -> set[int]:
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


def digit_positions(original: str) -> dict[int, str]:
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


def latin_digit_positions(original: str) -> dict[int, str]:
    """Latin letters typed for digits: `3589l45252309550`, `858-O1-4102`, `AT4686l43l35...`.

    Only in a run of digit groups (`4111 l111 1111`) holding five digits or more, whose
    other letters, if any, are the two that start an IBAN: `Ola`, `l10n`, `Model X1O0` and
    an IBAN's own letters (`GB29 NWBK ...`) stay letters.
    """
    found: dict[int, str] = {}
    if not LATIN_LOOK_ALIKE.search(original):
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
