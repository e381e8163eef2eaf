# ruff: noqa: RUF001  (look-alike characters are the point of this module)
"""The ways people write an identifier so a reader sees it and a pattern does not, undone.

Each rule is a pattern and what its match stands for: `john dot smith at
example dot com` is `john.smith@example.com`, `D E 8 9 3 7 ...` is `DE8937...`,
`five five five, one two three, ...` is `555-123-...`. `normalise` applies them
to its detection copy and keeps the map back to the original characters, so
the placeholder replaces exactly what the writer typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DIGIT_LOOK_ALIKES = {
    # Cyrillic and Greek letters drawn like digits; only read as digits beside real ones.
    "О": "0",
    "о": "0",
    "Ο": "0",
    "ο": "0",
    "З": "3",
    "з": "3",
    "Ӡ": "3",
    "І": "1",
    "і": "1",
    "Ӏ": "1",
    "ӏ": "1",
    "Ι": "1",
    "б": "6",
    "Ч": "4",
    "Ь": "6",
    "Ƽ": "5",
    "ƽ": "5",
}

LATIN_DIGIT_LOOK_ALIKES = {"l": "1", "I": "1", "O": "0", "o": "0"}
"""Latin letters typed for digits; read as digits only inside a run of digits (see `normalise`)."""

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
SPELLED_DIGITS = re.compile(
    rf"(?i)(?<![\w-])(?:plus[ \t]+)?{_DIGIT_WORD}"
    rf"(?:(?:[ \t]*[,;.\-][ \t]*|[ \t]+){_DIGIT_WORD}){{6,}}(?![\w-])"
)
"""Seven or more digits written as words (fewer are how many, not an identifier); `plus` before
them is a phone number's `+`."""

_TLD = (
    r"(?:com|org|net|edu|gov|mil|int|info|biz|io|co|me|app|dev|eu|uk|us|ca|au|nz|ie|de|at|ch"
    r"|fr|be|nl|lu|es|pt|it|pl|cz|sk|hu|ro|bg|gr|se|no|dk|fi|is|ee|lv|lt|br|mx|ar|cl|jp|cn"
    r"|in|ru|ua|tr|za|sg|hk)"
)
_SECOND_LEVEL = (
    r"(?:(?:com|co|org|net|edu|gov|ac){dot}"
    r"(?:uk|au|nz|za|ng|ke|gh|br|mx|ar|pe|tr|cn|jp|kr|tw|hk|sg|ph|pk|eg|sa|ua|il|th|vn))"
)
"""`example.com.ng`, `example.co.uk`: a country's second-level domain, spaced or worded like the
rest; its countries are ones whose code is no English word (`com. it was` ends a sentence)."""
_WORD_DOT = r"[ \t]+(?:dot|\(dot\)|\[dot\])[ \t]+"
_WORDED_SECOND_LEVEL = _SECOND_LEVEL.format(dot=rf"(?:{_WORD_DOT}|\.)")
_SPACED_SECOND_LEVEL = _SECOND_LEVEL.format(dot=r"[ \t]*\.[ \t]*")
WORDED_EMAIL = re.compile(
    rf"(?i)(?<![\w.@+-])(?P<local>[\w+-]+(?:(?:{_WORD_DOT}|[._])[\w+-]+)*)"
    rf"[ \t]+(?:at|\(at\)|\[at\])[ \t]+"
    rf"(?P<domain>[\w-]+(?:(?:{_WORD_DOT}|\.)[\w-]+)*(?:{_WORD_DOT}|\.)"
    rf"(?:{_WORDED_SECOND_LEVEL}|{_TLD}))(?![\w-]|\.\w)"
)
"""`john dot smith at example dot com`, `kpalma AT example DOT com`: the domain must end in a
known top-level domain, and `at` must join two parts with no space inside them."""
SPACED_EMAIL = re.compile(
    r"(?<![\w.@+-])[\w+-]+(?:[ \t]*\.[ \t]*[\w+-]+)*[ \t]*@[ \t]*[\w-]+(?:[ \t]*\.[ \t]*[\w-]+)*"
    rf"[ \t]*\.[ \t]*(?:{_SPACED_SECOND_LEVEL}|{_TLD})(?![\w-]|\.\w)",
    re.IGNORECASE,
)
"""`a . b @ c . com`, `tbelpere @ hotmail . com`: spaces around the `@` and the dots."""
SPACED_CHARACTERS = re.compile(
    r"(?<![^\s(\[\"'])[\w@.+](?:(?: | ?- ?)[\w@.+]){7,}(?![^\s.,;:!?)\]\"'])"
)
"""`D E 8 9 3 7 ...`, `4 1 1 1 - 1 1 1 1 ...`, `j o h n @ ...`: one character at a time."""
SPACED_WORDS = re.compile(
    r"(?<!\S)[^\W\d_](?: [^\W\d_]){2,}(?:  [^\W\d_](?: [^\W\d_]){1,})+(?![^\s.,;:!?)])"
)
"""`I l a r i a  C a r u s o`: a name typed a letter at a time, words two spaces apart."""
_IP_DOT = r"(?:[ \t]*\.[ \t]*|[ \t]+(?:dot|DOT|Dot)[ \t]+)"
SPACED_IPV4 = re.compile(
    rf"(?<![\w.])(?:\d{{1,3}}{_IP_DOT}){{3}}\d{{1,3}}(?![\w]|[ \t]*\.[ \t]*\d)"
)
"""`10 . 12 . 0 . 7`, `10 dot 12 dot 0 dot 7`: an IPv4 address with its dots spaced or worded."""
ODD_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[_•·∙⋅/\\|*~]+(?=\d)")
"""Digit groups joined by separators that pattern recognizers do not expect."""
BRACKETED_AT = re.compile(r"\s*[\[\(\{<]\s*(?:at|AT|At|@)\s*[\]\)\}>]\s*")
BRACKETED_DOT = re.compile(r"\s*[\[\(\{<]\s*(?:dot|DOT|Dot|\.)\s*[\]\)\}>]\s*")
"""`[at]`, `(dot)`, and the defanged `[@]`, `[.]` of threat reports (`10[.]0[.]0[.]1`)."""

NEEDS_WORK = re.compile(
    r"[\[\(\{<]\s*(?:at|dot|@|\.)\s*[\]\)\}>]|\d[_•·/\\|*~]+\d|(?<!\S)\w (?:- ?)?\w (?:- ?)?\w "
    r"|[ \t]@|@[ \t]|[ \t](?:at|dot)[ \t]|(?:zero|one|two|three|four|five|six|seven|eight|nine)"
    r"[ \t,;.\-]+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b|[\w@.\-)]\n"
    r"|\d[ \t]+\.[ \t]*\d|\d[ \t]*\.[ \t]+\d",
    re.IGNORECASE,
)
"""A cheap test that some rule may apply: plain text without it is read as it is."""


def _spelled(match: re.Match[str]) -> str:
    out: list[str] = []
    value = match.group(0)
    plus = value[:4].lower() == "plus"
    for piece in re.finditer(rf"(?i){_DIGIT_WORD}|[,;.\-]", value[4 if plus else 0 :]):
        token = piece.group(0).lower()
        out.append(_DIGIT_WORDS.get(token, "-"))
    return ("+" if plus else "") + re.sub(r"-+", "-", "".join(out)).strip("-")


def _worded_email(match: re.Match[str]) -> str:
    worded = re.search(rf"(?i){_WORD_DOT}|\(at\)|\[at\]", match.group(0))
    if not worded and not re.search(r"[._\d+]", match.group("local")):
        return match.group(0)  # `look at example.com`: prose about a site, not an address
    local = re.sub(rf"(?i){_WORD_DOT}", ".", match.group("local"))
    domain = re.sub(rf"(?i){_WORD_DOT}", ".", match.group("domain"))
    return f"{local}@{domain}"


def _no_spaces(match: re.Match[str]) -> str:
    return re.sub(r"[ \t]+", "", match.group(0))


def _spaced_ipv4(match: re.Match[str]) -> str:
    octets = re.split(_IP_DOT, match.group(0))
    before = match.string[max(0, match.start() - 8) : match.start()]
    if not all(int(o) <= 255 for o in octets) or re.search(rf"\d{_IP_DOT}$", before):
        return match.group(0)
    return ".".join(octets)


def _spaced_words(match: re.Match[str]) -> str:
    return " ".join(w.replace(" ", "") for w in match.group(0).split("  "))


def _spaced_characters(match: re.Match[str]) -> str:
    value = match.group(0)
    characters = re.sub(r"[ \t]", "", value)
    digits = sum(c.isdigit() for c in characters)
    if digits < 5 and "@" not in characters:
        return value  # `a b c d e f g h`: letters apart for emphasis, not an identifier
    return characters


Rewrite = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

REWRITES: tuple[Rewrite, ...] = (
    (SPELLED_DIGITS, _spelled),
    (BRACKETED_AT, lambda m: "@"),
    (BRACKETED_DOT, lambda m: "."),
    (WORDED_EMAIL, _worded_email),
    (SPACED_EMAIL, _no_spaces),
    (SPACED_IPV4, _spaced_ipv4),
    (SPACED_WORDS, _spaced_words),
    (SPACED_CHARACTERS, _spaced_characters),
    (ODD_DIGIT_SEPARATOR, lambda m: "-"),
)
"""In order: each reads what the ones before it wrote."""

REWRITE_NEEDS: dict[re.Pattern[str], re.Pattern[str]] = {
    BRACKETED_AT: re.compile(r"[\[\(\{<]"),
    BRACKETED_DOT: re.compile(r"[\[\(\{<]"),
    WORDED_EMAIL: re.compile(rf"(?i)[ \t](?:at|\(at\)|\[at\])[ \t]+[\w-]+(?:{_WORD_DOT}|\.)"),
    SPACED_EMAIL: re.compile("@"),
    SPACED_WORDS: re.compile("  "),
}
"""What every match of a rewrite holds (for `WORDED_EMAIL`: ` at ` and the domain's first
label and dot), looked for first. Prose says `at` often, so most texts take `normalise`'s
slow path and then have no match; these cost a fiftieth of the patterns they spare."""
