# ruff: noqa: RUF002, RUF003  (look-alike characters are the point of this module)
"""Where characters of another script, or Latin letters, stand for digits or Latin letters.

`normalise` folds a text character by character; this module says which characters it
must read as something else: a Cyrillic or Greek letter drawn like a Latin one inside a
Latin word (`Ρaypal`), a look-alike among digits (`З71815`, `2Ο4.зо.55.27`), a Latin
`O`, `l` or `I` typed in a run of digit groups (`4111 l111 ...`). A Cyrillic or Greek word
(`Тверская`) keeps its letters.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from modelgw.trust.disguises import DIGIT_LOOK_ALIKES, LATIN_DIGIT_LOOK_ALIKES
from modelgw.trust.issuers import mod97_ok

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
    r"|[lIOo][0-9A-Fa-f]{0,3}::?[0-9A-Fa-f]|[0-9A-Fa-f]::?[0-9A-Fa-f]{0,3}[lIOo]"
)
"""A Latin look-alike next to a digit, or a group of them alone a separator away (`... 2229
lo`, not `10 of`), a Cyrillic look-alike counting as a digit (a Cyrillic I before a Latin O
among digits): what `latin_digit_positions` needs, looked for first."""
_GROUP = rf"[^\W_]*{_DIGITISH}[^\W_]*"
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
_AREA = rf"\({_GROUP}\)[ {_GAP}]?"
"""A phone number's area code in brackets: `(2O1) 599-...`."""
_DIGIT_RUN = re.compile(
    rf"(?<![\w.\-])(?:{_AREA}|\+{_LOOK}{_JOIN_SPACE}|{_LOOK}{_JOIN_TIGHT})?{_GROUP}"
    rf"(?:(?:{_JOIN_TIGHT}|{_JOIN_SPACE}){_GROUP}|{_JOIN_TIGHT}{_LOOK}"
    rf"|{_JOIN_SPACE}{_LOOK}(?=$|[^\w\s]|(?:{_JOIN_TIGHT}|{_JOIN_SPACE})(?:\d|{_LOOK})))*"
)
"""Groups of letters and digits, each with a digit, joined by one space, dash, dot or slash of
any Unicode kind (`5660⸻5555`, `3876\u20004O76`); a group of look-alikes alone (`... 2229
lo`, `5.0.1 ... 4.O`, `l.l39.53.234`, `+l 20...`) too, though after a space only before
another group or the value's end, never before a word (`ticket 55512 I think`); an area code
in brackets may come first."""
_IBAN_START = re.compile(r"[A-Za-z]{2}\d{2}")
_SPACED_IBAN = re.compile(r"(?<!\S)[A-Za-z] [A-Za-z] \d \d(?: [A-Za-z0-9]){11,30}(?![^\s.,;:!?)])")
"""An IBAN typed a character at a time: where it is valid as typed, its letters are its own."""
_EXTENSION_X = re.compile(r"(?<=\d)[xX]\d{1,6}$")
"""A phone number's extension ending the run (`...2898x2290`): its `x` is no letter of a word."""
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


_IBAN_GROUPS_BEFORE = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[ ][A-Za-z0-9" + "".join(DIGIT_LOOK_ALIKES) + r"]{4})*[ ]?\S{0,3}$"
)
"""An IBAN's start and whole groups of four before a place in the text."""


def _in_code(text: str, i: int) -> bool:
    """A look-alike that no Latin letter is drawn like (`З`, `б`, `Ч`) in a code of Latin
    letters and digits: `LU07з692FR8...`, `YЗ1W`. In such a word it can only stand for a digit
    (`О` and `І` there are read as the Latin letters they look like, and an IBAN's checksum
    decides whether they were digits)."""
    if text[i] in _LOOK_ALIKE_LETTERS:
        return False
    word = _token(text, i).strip(",.;:!?()\"'")
    coded = all((c.isascii() and c.isalnum()) or c in DIGIT_LOOK_ALIKES or c in "-." for c in word)
    if coded and _IBAN_GROUPS_BEFORE.search(text, max(0, i - 40), i):
        return True  # a group of an IBAN printed in fours: `TR80 О8З5 77O0 UбTV 1A58`
    return coded and any(c.isascii() and c.isdigit() for c in word)


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
    runs = _DIGIT_RUN.finditer(original) if LATIN_LOOK_ALIKE.search(original) else ()
    spaced_ibans = [
        m.span()
        for m in (_SPACED_IBAN.finditer(original) if runs else ())
        if _iban_valid(m.group(0), {})
    ]
    for run in runs:
        value = run.group(0)
        lookalikes = [i for i, c in enumerate(value) if c in LATIN_DIGIT_LOOK_ALIKES]
        others = [
            i
            for i, c in enumerate(value)
            if c.isalpha()
            and c not in LATIN_DIGIT_LOOK_ALIKES
            and c not in DIGIT_LOOK_ALIKES
            and not _EXTENSION_X.match(value, i)
        ]
        digits = sum(c.isdecimal() or c in DIGIT_LOOK_ALIKES for c in value) + len(lookalikes)
        if not lookalikes or digits < 5 + len(lookalikes) or any(i > 1 for i in others):
            continue
        if len(lookalikes) > (digits - len(lookalikes)) // 2:
            continue  # more letters than a slip of the keyboard: a word among numbers
        convert = {i: LATIN_DIGIT_LOOK_ALIKES[value[i]] for i in lookalikes if i > 1 or not others}
        # and the Cyrillic or Greek look-alikes of the same run (`5Ο6O`: a Greek and a Latin O)
        convert.update(
            {i: DIGIT_LOOK_ALIKES[c] for i, c in enumerate(value) if c in DIGIT_LOOK_ALIKES}
        )
        if _IBAN_START.match(value) and not _iban_valid(value, convert):
            continue  # an IBAN's own letters (`IT60 X054...`): its checksum says which they are
        if any(a <= run.start() < b for a, b in spaced_ibans):
            continue  # the same, typed apart: `I T 1 8 I 7 8 2 ...` holds its letter `I`
        found.update({run.start() + i: digit for i, digit in convert.items()})
    if ":" in original:
        found.update(hex_digit_positions(original))
    if "." in original:
        found.update(quad_digit_positions(original))
    return found


_QUAD_CHAR = "[\\dlLIOo" + "".join(DIGIT_LOOK_ALIKES) + "]"
_QUAD_RUN = re.compile(rf"(?<![\w.]){_QUAD_CHAR}{{1,3}}(?:\.{_QUAD_CHAR}{{1,3}}){{3}}(?![\w]|\.\w)")
"""Four dot-joined groups of digits and their look-alikes: an IPv4 address to try."""


def quad_digit_positions(original: str) -> dict[int, str]:
    """Letters of any script typed for digits in an IPv4 address: `105.lOО.210.1О2`.

    Four groups of at most three, each a number up to 255 once read, with real digits among
    them: no word is shaped so (`I.O.U.S` has no digit).
    """
    found: dict[int, str] = {}
    for run in _QUAD_RUN.finditer(original):
        value = run.group(0)
        looks = {
            i: "1" if c == "L" else LATIN_DIGIT_LOOK_ALIKES.get(c) or DIGIT_LOOK_ALIKES[c]
            for i, c in enumerate(value)
            if c != "." and not c.isdecimal()
        }  # `L`: an `l` typed for 1 and the text then put in capitals (`1L8`)
        if not looks or sum(c.isdecimal() for c in value) < 4:
            continue
        read = "".join(looks.get(i, c) for i, c in enumerate(value))
        if all(int(octet) <= 255 for octet in read.split(".")):
            found.update({run.start() + i: digit for i, digit in looks.items()})
    return found


_HEX_CHAR = "[0-9A-Fa-flIOo" + "".join(DIGIT_LOOK_ALIKES) + "]"
_HEX_RUN = re.compile(
    rf"(?<![\w:.]){_HEX_CHAR}{{0,4}}(?::{{1,2}}{_HEX_CHAR}{{1,4}}){{2,7}}(?![\w:])"
)
"""Colon-joined groups of hex digits and their Latin look-alikes: an IPv6 address to try."""


def hex_digit_positions(original: str) -> dict[int, str]:
    """Latin letters typed for digits in an IPv6 address: `2cOf:957e::59e5`.

    A letter counts only where reading it as a digit makes the run a valid address: `O` and
    `l` are no hex digits, so the run is no address as written.
    """
    found: dict[int, str] = {}
    for run in _HEX_RUN.finditer(original):
        value = run.group(0)
        looks = {
            i: LATIN_DIGIT_LOOK_ALIKES.get(c) or DIGIT_LOOK_ALIKES[c]
            for i, c in enumerate(value)
            if c in "lIOo" or c in DIGIT_LOOK_ALIKES
        }
        if not looks:
            continue
        read = "".join(looks.get(i, c) for i, c in enumerate(value))
        try:
            ipaddress.IPv6Address(read)
        except ValueError:
            continue
        found.update({run.start() + i: digit for i, digit in looks.items()})
    return found


def _iban_valid(value: str, convert: dict[int, str]) -> bool:
    chars = [convert.get(i, c) for i, c in enumerate(value)]
    compact = "".join(c for c in chars if c.isalnum()).upper()
    if not compact.isascii() or not 15 <= len(compact) <= 34:
        return False
    return mod97_ok(compact)


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
