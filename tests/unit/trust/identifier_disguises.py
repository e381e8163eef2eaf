# ruff: noqa: RUF001  (look-alike characters are the point of this module)
"""Ways to write an identifier so that a person still reads it and a plain pattern does not.

Each disguise takes a printed value and a seeded random source and returns the
value as a writer (or an evasive one) might type it, or None where it does not
apply (no digits to spell, no separator to swap). The character classes come
from Unicode itself (every decimal digit script, every space separator, every
dash, every default-ignorable character), not from a list of seen examples, so
the sweep covers the space and not the shapes any evaluation set happens to hold.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from collections.abc import Callable

Disguise = Callable[[str, random.Random], str | None]

DIGIT_ZEROS: tuple[int, ...] = tuple(
    c
    for c in range(sys.maxunicode + 1)
    if unicodedata.category(chr(c)) == "Nd" and unicodedata.decimal(chr(c)) == 0 and c != 0x30
)
"""Every script's zero (Arabic-Indic, Devanagari, full-width, mathematical, ...); 1-9 follow it."""
SPACES: tuple[str, ...] = tuple(
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Zs" and c != 0x20
)
DASHES: tuple[str, ...] = (
    *(
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Pd" and c != 0x2D
    ),
    *("\u2212", "\u2043", "\u02d7", "\u2796", "\ufe63"),
)
"""Every dash punctuation character, and the minus signs and hyphen bullet drawn like one."""
INVISIBLES: tuple[str, ...] = (
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2061", "\u2062", "\u2063",
    "\u2064", "\u180e", "\u034f", "\u200e", "\u200f", "\u202a", "\u202c", "\u2066", "\u2069",
    "\ufe0f", "\U000e0020", "\u115f", "\u3164",
)  # fmt: skip
"""Characters that render as nothing: zero-width spaces and joiners, soft hyphen, invisible
operators, direction marks, variation selectors, tag and filler characters."""
DIGIT_LOOK_ALIKES = {"0": "ОоΟο", "1": "Іі", "3": "Зз"}
"""Cyrillic and Greek letters drawn like digits."""
LATIN_DIGIT_LOOK_ALIKES = {"0": "Oo", "1": "lI"}
LETTER_LOOK_ALIKES = {
    "a": "аα", "c": "с", "e": "е", "o": "оο", "p": "р", "x": "х", "y": "у", "i": "і", "j": "ј",
    "s": "ѕ", "d": "ԁ", "h": "һ", "A": "АΑ", "B": "ВΒ", "C": "С", "E": "ЕΕ", "H": "НΗ", "I": "ІΙ",
    "K": "КΚ", "M": "МΜ", "N": "Ν", "O": "ОΟ", "P": "РΡ", "T": "ТΤ", "X": "ХΧ", "Y": "Υ",
    "Z": "Ζ", "S": "Ѕ", "J": "Ј",
}  # fmt: skip
"""Latin letters and the Cyrillic or Greek letters drawn the same."""
BRACKETS = ("()", "[]", "<>", "{}", '""', "''", "“”", "‘’", "«»", "``", "「」", "**")
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _some(positions: list[int], rng: random.Random) -> set[int]:
    """About half of `positions`, at least one."""
    if not positions:
        return set()
    chosen = {p for p in positions if rng.random() < 0.5}
    return chosen or {rng.choice(positions)}


def fullwidth(value: str, rng: random.Random) -> str | None:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


def unicode_digits(value: str, rng: random.Random) -> str | None:
    """The digits in one other script's digits (chosen per value)."""
    if not any(c.isdigit() for c in value):
        return None
    zero = rng.choice(DIGIT_ZEROS)
    return "".join(chr(zero + int(c)) if c.isascii() and c.isdigit() else c for c in value)


def mixed_digits(value: str, rng: random.Random) -> str | None:
    """Each digit in a script of its own."""
    if not any(c.isdigit() for c in value):
        return None
    return "".join(
        chr(rng.choice(DIGIT_ZEROS) + int(c)) if c.isascii() and c.isdigit() else c for c in value
    )


def _look_alike(table: dict[str, str]) -> Disguise:
    def disguise(value: str, rng: random.Random) -> str | None:
        chosen = _some([i for i, c in enumerate(value) if c in table], rng)
        if not chosen:
            return None
        return "".join(rng.choice(table[c]) if i in chosen else c for i, c in enumerate(value))

    return disguise


def _digits_only(table: dict[str, str]) -> Disguise:
    """Look-alikes for digits only: an e-mail's or an IPv6 address's digits are no number."""
    inner = _look_alike(table)

    def disguise(value: str, rng: random.Random) -> str | None:
        if "@" in value or ":" in value:
            return None
        return inner(value, rng)

    return disguise


def zero_width(value: str, rng: random.Random) -> str | None:
    gaps = _some(list(range(1, len(value))), rng)
    return "".join((rng.choice(INVISIBLES) if i in gaps else "") + c for i, c in enumerate(value))


def unicode_spaces(value: str, rng: random.Random) -> str | None:
    if " " not in value:
        return None
    return "".join(rng.choice(SPACES) if c == " " else c for c in value)


def dashes(value: str, rng: random.Random) -> str | None:
    """Every separator (space or hyphen) a dash of another kind, one kind per value."""
    ext = _EXTENSION.search(value)
    number, tail = (value[: ext.start()], ext.group(0)) if ext else (value, "")
    if "@" in number or not re.search(r"\w[ \-]\w", number):
        return None
    dash = rng.choice(DASHES)
    return re.sub(r"(?<=\w)[ \-](?=\w)", dash, number) + tail


def line_break(value: str, rng: random.Random, at: int | None = None, crlf: bool = False) -> str:
    """A break at gap `at` (a random one if None): a separator replaced, or a run cut."""
    gaps = break_gaps(value)
    at = rng.choice(gaps) if at is None else at
    brk = "\r\n" if crlf else "\n"
    if value[at] == " ":
        return value[:at] + brk + value[at + 1 :]
    return value[:at] + brk + value[at:]


def break_gaps(value: str) -> list[int]:
    """Where a line can break a value: at each space, and between any two other characters."""
    return [i for i in range(1, len(value)) if value[i - 1] != " "]


def spaced(value: str, rng: random.Random) -> str | None:
    return " ".join(c for c in value if c != " ")


def dotted(value: str, rng: random.Random) -> str | None:
    """A dot between every character: only for values with no dot or colon of their own."""
    if re.search(r"[.@:]", value):
        return None
    return ("+" if value.startswith("+") else "") + ".".join(c for c in value if c.isalnum())


_EXTENSION = re.compile(r"(?:[ ;,]*(?:x|ext\.?|extension|#|ext=)[ ]*\d+)$", re.IGNORECASE)


def regrouped(value: str, rng: random.Random) -> str | None:
    """The characters in groups of 2 to 5, one separator throughout; a `+` keeps its place,
    and so does an extension. Not for values whose dots, colons or letters are their own."""
    ext = _EXTENSION.search(value)
    number, tail = (value[: ext.start()], ext.group(0)) if ext else (value, "")
    if re.search(r"[.@:]", number) or (
        re.search(r"[^\W\d_]", number) and not re.match(r"[A-Z]{2}\d\d", number)
    ):
        return None
    head = "+" if number.startswith("+") else ""
    compact = re.sub(r"\W", "", number)
    sep = rng.choice([" ", "-", ".", "  ", " - "])
    groups: list[str] = []
    while compact:
        size = rng.randrange(2, 6)
        groups.append(compact[:size])
        compact = compact[size:]
    return head + sep.join(groups) + tail


def bracketed(value: str, rng: random.Random) -> str | None:
    """Only the value's own characters count; the brackets are added by `wrap`."""
    return value


def _at(rng: random.Random, word: bool) -> str:
    at = "".join(c.upper() if rng.random() < 0.3 else c for c in "at")
    if word:
        return f" {at} "
    pair = rng.choice(["[]", "()", "{}", "<>"])
    left, right = pair[0], pair[1]
    inner = rng.choice([at, at, "@"])
    pad = rng.choice(["", " "])
    return f"{pad}{left}{inner}{right}{pad}"


def _dot(rng: random.Random, word: bool) -> str:
    dot = "".join(c.upper() if rng.random() < 0.3 else c for c in "dot")
    if word:
        return f" {dot} "
    pair = rng.choice(["[]", "()", "{}", "<>"])
    left, right = pair[0], pair[1]
    inner = rng.choice([dot, dot, "."])
    pad = rng.choice(["", " "])
    return f"{pad}{left}{inner}{right}{pad}"


def _email_words(word: bool, dots: bool) -> Disguise:
    def disguise(value: str, rng: random.Random) -> str | None:
        if "@" not in value:
            return None
        local, domain = value.split("@")
        if dots:
            local = re.sub(r"\.", lambda m: _dot(rng, word), local)
            domain = re.sub(r"\.", lambda m: _dot(rng, word), domain)
        return local + _at(rng, word) + domain

    return disguise


def spelled(value: str, rng: random.Random) -> str | None:
    """Digits as English words: one style per value (joined by spaces or hyphens, groups by
    commas or dashes, `oh` for zero, `double`/`triple` for repeats, any case)."""
    if "@" in value or ":" in value or sum(c.isdigit() for c in value) < 4:
        return None
    joiner = rng.choice([" ", " ", "-"])
    group_sep = rng.choice([", ", " - ", " ", "; "])
    zero = rng.choice(["zero", "oh"])
    repeats = rng.random() < 0.5
    case = rng.choice([str.lower, str.lower, str.title, str.upper])
    pieces: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(value):
        c = value[i]
        if c.isdigit():
            run = len(value[i:]) - len(value[i:].lstrip(c))
            word = case(zero if c == "0" else DIGIT_WORDS[int(c)])
            if repeats and run >= 3:
                words.append(f"{case('triple')} {word}")
                i += 3
                continue
            if repeats and run == 2:
                words.append(f"{case('double')} {word}")
                i += 2
                continue
            words.append(word)
        elif c.isalpha():
            letters = re.match(r"[^\W\d_]+", value[i:])
            assert letters is not None
            words.append(letters.group(0))
            i += len(letters.group(0))
            continue
        else:
            if words:
                pieces.append(joiner.join(words))
                words = []
            if c == "+":
                words.append(case("plus"))
            elif c == ".":
                pieces.append(case("dot"))
            elif c in ";=#":
                pass
        i += 1
    if words:
        pieces.append(joiner.join(words))
    sep = " " if "." in value else group_sep
    return sep.join(p for p in pieces if p)


SINGLE: dict[str, Disguise] = {
    "plain": lambda v, r: v,
    "fullwidth": fullwidth,
    "unicode digits": unicode_digits,
    "mixed-script digits": mixed_digits,
    "look-alike digits (Cyrillic/Greek)": _digits_only(DIGIT_LOOK_ALIKES),
    "look-alike digits (Latin O/l/I)": _digits_only(LATIN_DIGIT_LOOK_ALIKES),
    "look-alike letters": _look_alike(LETTER_LOOK_ALIKES),
    "zero-width": zero_width,
    "unicode spaces": unicode_spaces,
    "dashes": dashes,
    "line break": lambda v, r: line_break(v, r),
    "line break CRLF": lambda v, r: line_break(v, r, crlf=True),
    "spaced": spaced,
    "dotted": dotted,
    "regrouped": regrouped,
    "bracketed": bracketed,
    "e-mail [at]": _email_words(word=False, dots=False),
    "e-mail [at] [dot]": _email_words(word=False, dots=True),
    "e-mail at": _email_words(word=True, dots=False),
    "e-mail at dot": _email_words(word=True, dots=True),
    "spelled": spelled,
}
"""Each disguise by its name in the sweep's table."""

_STAGE = {
    "regrouped": 0, "spelled": 0, "e-mail [at]": 0, "e-mail [at] [dot]": 0, "e-mail at": 0,
    "e-mail at dot": 0, "spaced": 1, "dotted": 1, "dashes": 2, "unicode spaces": 2,
    "fullwidth": 3, "unicode digits": 3, "mixed-script digits": 3,
    "look-alike digits (Cyrillic/Greek)": 3, "look-alike digits (Latin O/l/I)": 3,
    "look-alike letters": 3, "zero-width": 4, "line break": 5, "line break CRLF": 5,
    "bracketed": 6,
}  # fmt: skip
"""Pairs apply in this order: the shape first, then the glyphs, then what goes between them."""
_EXCLUSIVE = (
    {"spaced", "dotted", "regrouped"},
    {"line break", "line break CRLF"},
    {"e-mail [at]", "e-mail [at] [dot]", "e-mail at", "e-mail at dot"},
    {"fullwidth", "unicode digits", "mixed-script digits"},
    {"look-alike digits (Cyrillic/Greek)", "look-alike digits (Latin O/l/I)"},
)


def pairs() -> list[tuple[str, str]]:
    """Every two disguises that can stack, in the order they stack."""
    names = [n for n in SINGLE if n != "plain"]
    out: list[tuple[str, str]] = []
    for a in names:
        for b in names:
            if _STAGE[a] > _STAGE[b] or (a >= b and _STAGE[a] == _STAGE[b]):
                continue
            if any(a in group and b in group for group in _EXCLUSIVE) or "bracketed" in (a, b):
                continue
            out.append((a, b))
    return out


def apply(names: tuple[str, ...], value: str, rng: random.Random) -> str | None:
    """`value` under each named disguise in turn; None if one does not apply or changes nothing."""
    out: str | None = value
    for name in names:
        if out is None:
            return None
        before = out
        out = SINGLE[name](out, rng)
        if name != "plain" and name != "bracketed" and out == before:
            return None
    return out


def wrap(value: str, rng: random.Random) -> tuple[str, str]:
    """Brackets or quotes of some kind around a value."""
    pair = rng.choice(BRACKETS)
    return pair[0], pair[1]
