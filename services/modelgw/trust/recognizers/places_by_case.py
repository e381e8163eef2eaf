"""Place names the NER model cannot see: `sent to berlin`, `SHIP TO DUBLIN`, `in new york`.

A name from the gazetteer (see `place_names`) written in lower case or ALL
CAPS. Title Case is left to the NER model, which reads the context around
it. A single word is a place only after a locative cue (`in`, `to`, `from`,
`ship to`, `office in`, ...: every such phrase ends in one of `_CUES`) or
right after another place in a list (`in berlin, paris and madrid`): on its
own `phoenix` may be a project and `victoria` a colleague. Countries, US
states and multi-word names (`new york`, `hong kong`) need no cue, except
the ones that are words or first names as often (`turkey`, `jordan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from modelgw.trust.name_lists import fold_accents
from modelgw.trust.place_names import WORD, PlaceKey, PlaceNames
from modelgw.trust.recognizers.base import RegexRecognizer

_CUES = frozenset(
    [
        "in",
        "to",
        "from",
        "at",
        "near",
        "via",
        "into",
        "toward",
        "towards",
        "outside",
        "across",
        "through",
        "visit",
        "visiting",
        "visited",
        "reach",
        "reached",
        "reaching",
        "leave",
        "leaves",
        "leaving",
        "left",
        "around",
        "between",
        "beyond",
    ]
)
# `to` that does not point at a place: `due to`, `thanks to phoenix`, `how to`.
_NOT_PLACE_BEFORE_TO = frozenset(
    [
        "according",
        "able",
        "compared",
        "due",
        "going",
        "had",
        "has",
        "have",
        "how",
        "need",
        "needs",
        "prior",
        "similar",
        "subject",
        "thanks",
        "up",
        "used",
        "want",
        "wants",
    ]
)
_NAME_GAP = re.compile(r"[.,]?[ \t]+")
"""Between the words of one name: `new york`, `st. louis`."""
_EMBEDDED_BEFORE = re.compile(r"[\w@./\\:#-]")
_EMBEDDED_AFTER = re.compile(r"[\w@/\\#-]|[.:]\w")
"""Next to these the word is part of an address, a path or an identifier (`example.co.uk`)."""
_BEFORE = re.compile(r"(?:\b([A-Za-z]+)\s+)?\b([A-Za-z]+)\s+$")
"""The two words before a name: `due to`, `sent to`."""
_LIST_GAP = re.compile(r"(?i),?\s+(?:and|or|&)\s+|\s*[,/]\s*")
"""Between two places of a list: `berlin, paris and madrid`."""
_SITE_AFTER = re.compile(
    r"(?i)[ \t]+(?:office|offices|branch|site|warehouse|store|plant|depot|clinic|hub|campus"
    r"|factory|airport|station|headquarters|hq|location|region|area|territory|district)\b"
)
"""A word for a place of business or a sales region after a name says it is a town:
`Kőszeg branch`, `TŘEBOŇ WAREHOUSE`, `the Olhão office`, `cover the MÖDLING REGION`."""
_ALONE_IN_BRACKETS = re.compile(r"[ \t]*\)")
"""A listed town alone in brackets after a name or an address: `Preston Banks (Ammanford)`,
`MEETING NOTES (LUGANO):`."""


class PlacesByCaseRecognizer(RegexRecognizer):
    entity = "LOCATION"
    score = 0.6

    def __init__(self, places: PlaceNames) -> None:
        super().__init__()
        self._places = places

    def find(self, text: str) -> list[tuple[int, int]]:
        candidates: list[Candidate] = []
        last_end = -1
        for word in WORD.finditer(text):
            start = word.start()
            if start < last_end:
                continue  # inside a name already taken (`york` in `new york`)
            first = word.group(0)
            if not (first.islower() or first.isupper()):
                continue  # Title Case: the NER model's, with the context it reads
            keys = self._places.starting_with(first.lower())
            if keys is None:
                continue
            found = _longest_name(text, word, keys)
            if found is None:
                continue
            key, end = found
            value = text[start:end]
            shown = (value.islower() or value.isupper()) and not _embedded(text, start, end)
            sure = not self._places.needs_cue(key) or _cued(text, start, end)
            candidates.append(Candidate(start, end, sure, shown))
            last_end = end
        return [(c.start, c.end) for c in in_lists(text, candidates) if c.shown]


@dataclass(slots=True)
class Candidate:
    """A gazetteer name found in a text, and whether its context makes it a place."""

    start: int
    end: int
    sure: bool
    """Needs no cue, or has one."""
    shown: bool = True
    """Reported by the recognizer that found it (the others only vouch for list neighbours)."""


def in_lists(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """The sure candidates, and the ones joined to a sure one by a list, either way:
    `in berlin, paris and madrid`, `Siófok, Keszthely and Tihany` after `covers`."""
    sure = [c.sure for c in candidates]
    listed = [
        _LIST_GAP.fullmatch(text, a.end, b.start) is not None for a, b in pairwise(candidates)
    ]
    for i in range(1, len(candidates)):  # forward: `in berlin, paris`
        sure[i] = sure[i] or (sure[i - 1] and listed[i - 1])
    for i in range(len(candidates) - 2, -1, -1):  # backward: `siófok, keszthely ... offices`
        sure[i] = sure[i] or (sure[i + 1] and listed[i])
    return [c for c, ok in zip(candidates, sure, strict=True) if ok]


def _longest_name(
    text: str, first: re.Match[str], keys: tuple[PlaceKey, ...]
) -> tuple[PlaceKey, int] | None:
    """The longest of `keys` (longest first) written from `first` on, and where it ends."""
    following: list[tuple[str, int]] = []  # the words after `first` (lower case, end), as needed
    for key in keys:
        while len(following) < len(key) - 1:
            gap = _NAME_GAP.match(text, following[-1][1] if following else first.end())
            word = gap and WORD.match(text, gap.end())
            if not word:
                break
            following.append((word.group(0).lower(), word.end()))
        rest = len(key) - 1
        if len(following) >= rest and all(
            following[k][0] == key[k + 1] or fold_accents(following[k][0]) == key[k + 1]
            for k in range(rest)
        ):
            return key, following[rest - 1][1] if rest else first.end()
    return None


def _cued(text: str, start: int, end: int | None = None) -> bool:
    """Whether a locative cue (`to`, `in`, ...) comes right before `start`, a space between,
    or (given the name's `end`) a word for a place of business right after it, or the name
    stands alone in brackets."""
    if end is not None and _SITE_AFTER.match(text, end):
        return True
    if (
        end is not None
        and text[:start].rstrip(" \t").endswith("(")
        and _ALONE_IN_BRACKETS.match(text, end)
    ):
        return True
    before = _BEFORE.search(text, max(0, start - 32), start)
    if before is None or before.group(2).lower() not in _CUES:
        return False
    return not (
        before.group(2).lower() == "to" and (before.group(1) or "").lower() in _NOT_PLACE_BEFORE_TO
    )


def _embedded(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is part of a domain, an email, a path or an identifier."""
    return bool(
        (start > 0 and _EMBEDDED_BEFORE.match(text, start - 1)) or _EMBEDDED_AFTER.match(text, end)
    )
