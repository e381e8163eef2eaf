"""The pieces an address is read from: street lines, units, postcode-and-town lines, boxes.

Each pattern is matched *at* a position (`.match(text, pos)`), so the
address recognizer can walk from a street to the town line after it, the
way a person reads an envelope. Letters are Unicode letters throughout
(`Łódź`, `Ängelholm`, `'s-Heer Hendrikskinderen`).
"""

from __future__ import annotations

import re
from collections.abc import Set

from modelgw.trust.address_words import (
    HOUSE_NUMBER_WORDS,
    MILITARY_SHIPS,
    PO_BOX,
    POSTCODE,
    SHORT_POSTCODE,
    UK_POSTCODE,
    UNIT_WORDS,
)
from modelgw.trust.ascii_letters import LetterPattern

LETTER = r"[^\W\d_]"
WORD = rf"(?:{LETTER}|['\u2019]{LETTER})[\w'\u2019\-]*\.?"
"""A word of a name: letters, inner digits, apostrophes and hyphens, an abbreviation's dot."""
ORDINAL = r"\d{1,3}(?:st|nd|rd|th|ª|º|°|e|er|\.)"
NAME_WORD = rf"(?:{ORDINAL}|{WORD})"
HOUSE_NUMBER = (
    r"\d{1,6}[A-Za-z]?(?:[ \t]?[-/][ \t]?\d{1,5}[A-Za-z]?|-(?:I{1,3}|IV|[A-Za-z]{1,2}))?"
    r"\.?(?![\w@])"
)
"""`12`, `62E`, `47-26`, `83/53`, `121.` (Hungarian writes the dot), `452-H`, `12-II` (Dutch
floors: `H` is the ground floor, `II` the second)."""
GAP = r"[ \t]+"

SEPARATOR = re.compile(
    r"[ \t]*(?:,[ \t]*(?:\n[ \t]*)?|\n[ \t]*|[ \t]+[-\u2013/](?:[ \t]+|[ \t]*\n[ \t]*)"
    r"|[ \t]*/[ \t]*)"
)
"""Between the parts of one address: a comma, one line break, ` - ` or ` / ` (also at a line's
end: `Alameda Santos, 396 -` then `Apto 739` on the next line)."""
SPACE = re.compile(r"[ \t]+")

WORD_RE = LetterPattern(WORD)
HOUSE_NUMBER_AT = re.compile(
    rf",?{GAP}(?:(?i:(?:{HOUSE_NUMBER_WORDS})\.?)[ \t]*:?[ \t]*)?{HOUSE_NUMBER}"
)
"""The number after a street name: ` 12`, `, 85`, ` No: 12`, ` nº 5`."""
NUMBER_BEFORE = re.compile(
    rf"(?:^|(?<=[\s(:\x22']))({HOUSE_NUMBER}),?{GAP}"
    rf"(?:(?i:grande?|petite?|vieille|haute|basse)(?:{GAP}|-))?$"
)
"""The number before a street name, at the end of the text read so far (`5, avenue`), with
the adjective French puts before some types (`697 grande rue`)."""
NAME_WORDS_BEFORE = re.compile(
    rf"(?:^|(?<=[\s(:\x22']))(?P<num>{HOUSE_NUMBER}),?{GAP}(?P<words>(?:{NAME_WORD}{GAP}){{1,5}})$"
)
"""A house number then the words of a name, ending where a street type begins."""
NAME_WORDS_AFTER = re.compile(rf"{GAP}(?:{NAME_WORD}{GAP}){{0,5}}?{NAME_WORD}(?=,?{GAP}\S)")
BARE_STREET = re.compile(
    rf"(?:^|(?<=[\n,:])|(?<=[ \t]))[ \t]*(?P<street>(?:{NAME_WORD}{GAP}){{0,3}}{NAME_WORD}"
    rf",?{GAP}{HOUSE_NUMBER})[ \t]*$"
)
"""A street with no type word (`Grammova 8`, `Bergrøa 631`): only before a postcode and town.
It may follow prose on its line (`ship it to Bringa 1015, 552 Stykkishólmur`); the prose words
its match takes in front are trimmed by the caller."""

UNIT = re.compile(
    rf"(?i:{UNIT_WORDS})(?![A-Za-z])[ \t]*#?[ \t]*(?:\d[\w\-/]{{0,5}}|[A-Za-z]\d{{0,4}}\b)"
    rf"|#[ \t]?\d[\w\-]{{0,5}}|\d{{1,3}}[ºª°][ \t]?[A-Za-z]?(?![\w])"
    rf"|\d{{1,3}}(?:st|nd|rd|th)[ \t]+(?i:floor)"
)
"""`Apt. 749`, `Suite 158`, `Flat 3`, `Studio 36U`, `#12`, `3ºB`, `Piso 4`, `5th floor`."""
UNIT_LINE = re.compile(rf"[ \t]*(?:{UNIT.pattern})[ \t]*(?:,[ \t]*)?$")
UNIT_BEFORE = re.compile(
    rf"(?:^|(?<=[\s,(:\x22']))"
    rf"(?:(?:{UNIT.pattern})(?:,?{GAP}|,?[ \t]*\n[ \t]*)|(?i:{UNIT_WORDS}){GAP})$"
)
"""A unit before a street (`Flat 3, `, `Studio 36U\n`), or its word before the number a street
anchor took for a house number (`Studio ` in `Studio 54, Williams Street`)."""

TOWN_WORD = rf"(?:{WORD}|\d{{1,3}}[ºª°])"
TOWN = (
    rf"{TOWN_WORD}(?:[ \t]+{TOWN_WORD}){{0,5}}"
    rf"(?:[ \t]*\((?:{WORD}[ \t]*){{1,3}}\)|[ \t]*/[ \t]*[A-Za-z]{{2}}\b)?"
)
"""A town's words, with a province in brackets (`Gabella (PI)`) or a state after a slash."""
TOWN_AT = re.compile(TOWN)
POSTCODE_TOWN = re.compile(rf"(?P<code>{POSTCODE}|{SHORT_POSTCODE}),?{GAP}(?P<town>{TOWN})")
_NO_MORE_DIGITS = r"(?![\w\-]|[ \t]*[\-/.]?[ \t]*\d)"
"""After a postcode alone: no more digits (`0113 496 0000`, `5551234 9876` are phone numbers)."""
TOWN_POSTCODE = re.compile(rf"(?P<town>{TOWN}),?{GAP}(?P<code>{POSTCODE}){_NO_MORE_DIGITS}")
POSTCODE_AT = re.compile(rf"(?:{POSTCODE}){_NO_MORE_DIGITS}")
TOWN_STATE_CODE = re.compile(
    rf"(?P<town>{TOWN}),?{GAP}(?P<state>[A-Za-z]{{2,3}}),?{GAP}"
    r"(?P<code>\d{5}(?:-\d{4})?|\d{4}|[A-Za-z]\d[A-Za-z][ \t]?\d[A-Za-z]\d)(?![\w\-])"
)
"""`Johnsonfurt, NE 80119`, `Romeroborough, NL V1X8R4`, `East Tony, VIC, 2609`."""
STATE_CODE = re.compile(
    rf"(?P<state>[A-Za-z]{{2,3}}),?{GAP}"
    r"(?P<code>\d{5}(?:-\d{4})?|\d{4}|[A-Za-z]\d[A-Za-z][ \t]?\d[A-Za-z]\d)(?![\w\-])"
)

_PO_BOX_TAIL = r"[ \t]*(?:no\.?|#)?[ \t]*\d{1,7}(?:[ \t]?-[ \t]?\d{5})?(?![\w])"
PO_BOX_AT = re.compile(rf"(?i:\b(?:{PO_BOX})){_PO_BOX_TAIL}")
"""`PO Box 42`, `Postfach 10 01`, and Kenya's `P.O. Box 30123-00100` (box, then postcode)."""
_PO_BOX_LOWER = re.compile(rf"\b(?={LETTER})(?:{PO_BOX}){_PO_BOX_TAIL}")
"""`PO_BOX_AT` for lower-cased text: with ~100 of libpostal's boxes in the alternation, a
case-insensitive search costs ~5x more than lower-casing the text once."""


def po_box_spans(text: str) -> list[tuple[int, int]]:
    """Where the PO boxes of `text` are (`PO Box 42`, `Postbus 1234`, `Apartado 5`)."""
    lower = text.lower()
    if len(lower) != len(text):  # `İ` lower-cases to two characters: offsets would move
        return [m.span() for m in PO_BOX_AT.finditer(text)]
    return [m.span() for m in _PO_BOX_LOWER.finditer(lower)]


MILITARY_LINE = re.compile(r"(?i:\b(?:APO|FPO|DPO))[ \t]+(?i:AA|AE|AP)[ \t]+\d{5}(?:-\d{4})?\b")
MILITARY_FIRST_LINE = re.compile(
    rf"(?:(?i:PSC|CMR|Unit)[ \t]+\d{{1,5}},?[ \t]+(?i:Box)[ \t]+\d{{1,5}}"
    rf"|(?i:{MILITARY_SHIPS})[ \t]+{WORD}(?:[ \t]+{WORD})?),?[ \t]*\n?[ \t]*$"
)
UK_POSTCODE_RE = re.compile(rf"\b{UK_POSTCODE}\b|\b{UK_POSTCODE.lower()}\b")


def looks_like_amount(code: str) -> bool:
    """A year or a sum (`1999`, `2024`) that a four-digit postcode pattern took."""
    return code.isdigit() and len(code) == 4 and code.startswith(("19", "20"))


def counts_things(code_town: re.Match[str], english: Set[str]) -> bool:
    """`120 Customers`, `1500000 users` read as a `POSTCODE_TOWN`: three, six or seven digits
    before an English word count things; they are no postcode (`608 Selfoss`, `010063
    București` are). Four and five digits before a word are postcodes often enough to keep."""
    code, word = code_town.group("code"), code_town.group("town").split()[0].lower()
    if len(code) not in (3, 6, 7):
        return False
    plural = word.endswith("s") and (word[:-1] in english or word[:-2] in english)
    return word in english or plural
