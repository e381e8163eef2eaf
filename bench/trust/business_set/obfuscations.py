# ruff: noqa: RUF001  (look-alike characters are the point of this module)
"""How people and tools disguise an identifier while a reader still sees it.

Each takes a value and returns the disguised value, or None where it does
not apply (no digits to replace, no `@` to spell out). A reader recovers
every one of them at a glance; a pattern matcher sees none of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_LOOK_ALIKES = {"0": "ОоΟ", "3": "Зз", "1": "Іl", "6": "б"}
"""Digits and letters of other scripts (and Latin `l`) drawn like them."""


def look_alike_digits(value: str, rng: random.Random) -> str | None:
    spots = [i for i, c in enumerate(value) if c in _LOOK_ALIKES]
    if not spots:
        return None
    chars = list(value)
    for i in rng.sample(spots, k=max(1, min(len(spots), rng.randint(1, 3)))):
        chars[i] = rng.choice(_LOOK_ALIKES[chars[i]])
    return "".join(chars)


def line_break(value: str, rng: random.Random) -> str | None:
    """A value wrapped over two lines by a mail client or a narrow form field."""
    if len(value) < 6:
        return None
    cut = rng.randrange(3, len(value) - 2)
    if value[cut - 1] == " ":
        return value[: cut - 1] + "\n" + value[cut:]
    return value[:cut] + "\n" + value[cut:]


def spaced(value: str, rng: random.Random) -> str | None:
    """Every character apart: `j o h n @ e x a m p l e . c o m`, `D E 8 9 3 7 ...`."""
    compact = value.replace(" ", "")
    return " ".join(compact) if len(compact) >= 6 else None


def spaced_email(value: str, rng: random.Random) -> str | None:
    """`john . smith @ example . com`: spaces around the `@` and the dots."""
    if "@" not in value:
        return None
    return value.replace("@", " @ ").replace(".", " . ")


def dotted(value: str, rng: random.Random) -> str | None:
    """Groups joined by dots instead of spaces: `DE89.3704.0044...`, `4111.1111...`."""
    compact = value.replace(" ", "").replace("-", "")
    if len(compact) < 9:
        return None
    return ".".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def at_dot_words(value: str, rng: random.Random) -> str | None:
    """`john dot smith at example dot com`."""
    if "@" not in value:
        return None
    local, domain = value.split("@", 1)
    at, dot = rng.choice([(" at ", " dot "), (" AT ", " DOT "), (" (at) ", " (dot) ")])
    return local.replace(".", dot) + at + domain.replace(".", dot)


def spelled_digits(value: str, rng: random.Random) -> str | None:
    """Digits written out: `five five five, one two three ...` (separators kept as pauses)."""
    if sum(c.isdigit() for c in value) < 7:
        return None
    words: list[str] = []
    for c in value:
        if c.isdigit():
            words.append(_DIGIT_WORDS[int(c)])
        elif c in " -./" and words and words[-1] != ",":
            words.append(",")
    return " ".join(words).replace(" ,", ",").strip(", ")


def zero_width(value: str, rng: random.Random) -> str | None:
    cut = rng.randrange(1, len(value))
    return value[:cut] + "\u200b" + value[cut:]


def fullwidth(value: str, rng: random.Random) -> str | None:
    if not any(c.isdigit() for c in value):
        return None
    return "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in value)


Obfuscation = Callable[[str, random.Random], str | None]

BY_TYPE: dict[str, tuple[tuple[str, Obfuscation], ...]] = {
    "EMAIL_ADDRESS": (
        ("line_break", line_break),
        ("spaced", spaced_email),
        ("at_dot_words", at_dot_words),
        ("zero_width", zero_width),
    ),
    "PHONE_NUMBER": (
        ("look_alike", look_alike_digits),
        ("line_break", line_break),
        ("spelled", spelled_digits),
        ("fullwidth", fullwidth),
    ),
    "CREDIT_CARD": (
        ("look_alike", look_alike_digits),
        ("line_break", line_break),
        ("dotted", dotted),
        ("spaced", spaced),
        ("spelled", spelled_digits),
    ),
    "IBAN_CODE": (
        ("look_alike", look_alike_digits),
        ("line_break", line_break),
        ("dotted", dotted),
        ("spaced", spaced),
    ),
    "US_SSN": (
        ("look_alike", look_alike_digits),
        ("line_break", line_break),
        ("spelled", spelled_digits),
        ("spaced", spaced),
    ),
    "IP_ADDRESS": (("look_alike", look_alike_digits), ("line_break", line_break)),
}


def obfuscate(entity_type: str, value: str, rng: random.Random) -> tuple[str, str] | None:
    """A disguised form of `value` and the disguise's name, or None for types without any."""
    choices = BY_TYPE.get(entity_type)
    if not choices:
        return None
    for _ in range(4):
        name, disguise = rng.choice(choices)
        disguised = disguise(value, rng)
        if disguised is not None and disguised != value:
            return disguised, name
    return None
