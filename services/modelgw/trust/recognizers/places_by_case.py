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


class PlacesByCaseRecognizer(RegexRecognizer):
    entity = "LOCATION"
    score = 0.6

    def __init__(self, places: PlaceNames) -> None:
        super().__init__()
        self._places = places

    def find(self, text: str) -> list[tuple[int, int]]:
        index = self._places.by_first_word
        spans: list[tuple[int, int]] = []
        last_place_end = -1
        for word in WORD.finditer(text):
            start = word.start()
            if start < last_place_end:
                continue  # inside a name already taken (`york` in `new york`)
            first = word.group(0)
            if not (first.islower() or first.isupper()):
                continue  # Title Case: the NER model's, with the context it reads
            keys = index.get(first.lower())
            if keys is None:
                continue
            found = _longest_name(text, word, keys)
            if found is None:
                continue
            key, end = found
            listed = last_place_end >= 0 and _LIST_GAP.fullmatch(text, last_place_end, start)
            if key in self._places.needs_cue and not (listed or _cued(text, start)):
                continue
            value = text[start:end]
            if (value.islower() or value.isupper()) and not _embedded(text, start, end):
                spans.append((start, end))
            last_place_end = end
        return spans


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
        if len(following) >= rest and all(following[k][0] == key[k + 1] for k in range(rest)):
            return key, following[rest - 1][1] if rest else first.end()
    return None


def _cued(text: str, start: int) -> bool:
    """Whether a locative cue (`to`, `in`, ...) comes right before `start`, a space between."""
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
