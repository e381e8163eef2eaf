# ruff: noqa: SIM905  (word lists read best as words)
"""The parts written before a street: `House 138, Street 7,`, `No. 92, Sec. 2,`, `225/7 Moo 3,`.

Many countries write a house, a plot or a lane before the street it is on, each part a word
and a number, and no list can hold every country's words for them. Read backwards from a
street, a short part that holds one number and no English word of prose (`to`, `order`,
`invoice`) belongs to the address: a unit or house word (`House`, `No.`, `Sec.`), a street
type, or a word no English list holds (`Moo`, `Soi`) may stand beside the number.
"""

from __future__ import annotations

import re
from collections.abc import Set

from modelgw.trust.address_words import ENGLISH_SUFFIXES, PREFIX_TYPES
from modelgw.trust.recognizers.address_shapes import _stop_words

_LEAD_WORDS = frozenset(
    """
    house no no. nr nr. plot flat block blk blk. bldg bldg. building floor fl apt apt. unit
    suite room rm sec sec. section lane ln alley soi moo village lot door gate phase stage
    sector zone km kilometre kilometer
    """.split()
)
"""Words for a house, a unit or a section of a street, in English or in the forms other
countries write in English text."""
_TOKEN_BEFORE = re.compile(
    r"(?:^|(?<=[\s,:;(]))(?P<token>[^\s,:;()]+)[ \t]*(?P<comma>,)?[ \t]*\n?[ \t]*$"
)
_TIME_OR_DATE = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")


def lead_start(text: str, start: int, english: Set[str]) -> int:
    """Where the address starting at `start` begins once the short parts before it are read:
    at most three parts, each of three words at most, one number and a word beside it."""
    stop = _stop_words()
    for _ in range(3):
        tokens: list[re.Match[str]] = []
        cursor = start
        while len(tokens) < 3:
            m = _TOKEN_BEFORE.search(text, max(0, cursor - 32), cursor)
            if (
                m is None
                or (tokens and m.group("comma"))
                or not _lead_token(m.group("token"), english, stop)
            ):
                break
            tokens.append(m)
            cursor = m.start("token")
            if m.start("token") == 0 or text[m.start("token") - 1] in ",\n:;(":
                break  # the part's first word: a comma, a line or a label before it
        digits = sum(any(c.isdigit() for c in t.group("token")) for t in tokens)
        if not tokens or digits > 1 or (digits and len(tokens) == 1):
            break  # `Invoice 4471, `: a number alone is no house
        if digits == 0 and not _type_before_number(text, start, tokens):
            break
        start = tokens[-1].start("token")
    return start


def _type_before_number(text: str, start: int, tokens: list[re.Match[str]]) -> bool:
    """`Street 7`, `Sec. 2`, `Moo 3`: one house, section or street word right before the
    number an address starts with (a part with no number of its own)."""
    word = tokens[0].group("token").lower()
    return (
        len(tokens) == 1
        and not tokens[0].group("comma")
        and text[start : start + 1].isdigit()
        and (word in _LEAD_WORDS or word.rstrip(".") in _LEAD_WORDS or word in ENGLISH_SUFFIXES)
    )


def _lead_token(token: str, english: Set[str], stop: Set[str]) -> bool:
    lower = token.lower()
    if token.endswith(".") and lower not in _LEAD_WORDS:
        return False  # `... 8753. Marcel Klebba, `: a sentence's end, not an abbreviation
    if any(c.isdigit() for c in token):
        return _TIME_OR_DATE.fullmatch(token) is None and len(token) <= 8
    if lower in _LEAD_WORDS or lower.rstrip(".") in _LEAD_WORDS:
        return True
    if lower in ENGLISH_SUFFIXES or lower in PREFIX_TYPES:
        return True
    return lower not in english and lower not in stop and token[:1].isalpha()
