# ruff: noqa: SIM905  (word lists read best as words)
"""An address read leftwards from a found town that has its postcode after it.

`67 Gameat El Dewal El Arabeya, Tanta 77110, Egypt`, `prosp. Peremohy, 152,
Vinnytsia, 07559`, `House 145, Street 7, Shahrah-e-Faisal, Multan 24230`: many
countries write the street with no street-type word a pattern knows, or with
one of their own, and the street recognizers find nothing but the town. The
town and the postcode right after it say an address ends there; what comes
before them, comma by comma, is its street, house number and units as long as
each part is only numbers, capitalised words, joining particles (`el`, `de`,
`y`) and abbreviations (`No.`, `Sec.`, `prosp.`), and the first part begins right
after a word that leads to an address (`at`, `to`, `is`, a colon) or at a line's
start. At least one part must hold a house number that is no year, and one a word,
so `12 March, London 12345` or `Invoice 2024, Paris 75001` stay what they are.

One ADDRESS takes the parts, the town, the postcode and a found country right
after them (`, Egypt`), and the detections inside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from modelgw.trust.detection import Detection
from modelgw.trust.stop_words import english_stop_words

ADDRESS_SCORE = 0.6
"""The score of an address read from a town and its postcode: a guess from its shape."""

_POSTCODE_AFTER = re.compile(
    r"(?:[ \t]*,)?[ \t]+(?:[A-Z]{2,3}[ \t])?\d{3,8}(?:[ \t-]\d{2,4})?(?![\w-])"
)
"""The postcode right after a town: `Tanta 77110`, `Vinnytsia, 07559`, `Birkirkara AXF 2199`."""
_COUNTRY_GAP = re.compile(r"[ \t]*,[ \t]*")
_PARTICLES = frozenset(
    "al el il it de del della di da das do dos du la le van der den von bin ibn y e".split()
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_NUMBER = re.compile(r"(?:no\.?[ \t]*)?\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_ABBREVIATION = re.compile(r"[^\W\d_]{1,6}\.")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_LEAD = re.compile(r"(?i)(?:^|\b(?:at|to|is|in|address|of)|[:(])[ \t]*$")
"""What may stand right before an address's first part: `arrived at`, `ship it to`,
`new address is`, `Address:`, a line's start."""
_MOST_PARTS = 4
_REACH = 240
"""How far before a town its street may begin: four parts of a few words each, with room."""
_TOKEN = re.compile(r"\S+")


def streets_before_towns(original: str, detections: Sequence[Detection]) -> list[Detection]:
    """ADDRESS detections for towns found with a postcode after them and a street before."""
    found: list[Detection] = []
    for index, town in enumerate(detections):
        if town.entity_type != "LOCATION":
            continue
        code = _POSTCODE_AFTER.match(original, town.end)
        if code is None:
            continue
        start = _street_start(original, town.start)
        if start is None:
            continue
        end = code.end()
        nxt = detections[index + 1] if index + 1 < len(detections) else None
        gap = _COUNTRY_GAP.match(original, end)
        if nxt is not None and nxt.entity_type == "LOCATION" and gap and gap.end() == nxt.start:
            end = nxt.end
        found.append(Detection("ADDRESS", start, end, ADDRESS_SCORE))
    return found


def _street_start(original: str, town_start: int) -> int | None:
    """Where the street of the town at `town_start` begins, if the parts before it are one.

    Reads at most `_REACH` characters back (a line of a thousand towns costs a thousand short
    reads, not a thousand reads of the line)."""
    reach = max(0, town_start - _REACH)
    newline = original.rfind("\n", reach, town_start)
    origin = newline + 1 if newline >= 0 else reach
    at_line_start = newline >= 0 or reach == 0
    before = original[origin:town_start].rstrip(" \t")
    if not before.endswith(","):
        return None
    lower_line = _lower_case_line(original, origin, town_start)
    numbered = worded = False
    start: int | None = None
    end = len(before) - 1  # the comma before the town
    for count in range(1, _MOST_PARTS + 1):
        comma = before.rfind(",", 0, end)
        tokens = list(_TOKEN.finditer(before, comma + 1, end))
        taken = _taken_suffix([t.group(0) for t in tokens], lower_line)
        if taken == 0:
            break
        kept = tokens[len(tokens) - taken :]
        numbered = numbered or any(_house_number(t.group(0)) for t in kept)
        worded = worded or any(
            _WORD.fullmatch(t.group(0)) and t.group(0).lower() not in _MONTHS for t in kept
        )
        first = kept[0].start()
        led = _LEAD.search(before, max(0, first - 24), first) if first or at_line_start else None
        if numbered and worded and led:
            start = origin + first
        if taken < len(tokens) or comma < 0 or count == _MOST_PARTS:
            break
        end = comma
    return start


def _taken_suffix(tokens: list[str], lower_line: bool) -> int:
    """How many of the last `tokens` of a part can be a street's, a number's or a unit's."""
    taken = 0
    for token in reversed(tokens):
        if not _street_token(token, lower_line):
            break
        taken += 1
    return taken if taken <= 6 else 0


def _street_token(token: str, lower_line: bool) -> bool:
    lower = token.lower()
    if _NUMBER.fullmatch(token) or _ABBREVIATION.fullmatch(token) or lower in _PARTICLES:
        return True
    if not _WORD.fullmatch(token) or lower in english_stop_words():
        return False
    head = re.split(r"['\u2019\-]", lower, maxsplit=1)[0]
    return token[:1].isupper() or lower_line or (head in _PARTICLES and head != lower)


def _house_number(token: str) -> bool:
    return any(c.isdigit() for c in token) and not _YEAR.fullmatch(token)


def _lower_case_line(original: str, origin: int, town_start: int) -> bool:
    """Whether the line around the town (within `_REACH` of it) is typed in lower case."""
    line_end = original.find("\n", town_start, town_start + _REACH)
    return original[origin : town_start + _REACH if line_end < 0 else line_end].islower()
