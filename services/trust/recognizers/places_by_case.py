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

from modelgw.trust.place_names import WORD, PlaceNames
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
_LIST_GAP = re.compile(r"(?i),?\s+(?:and|or|&)\s+|\s*[,/]\s*")
"""Between two places of a list: `berlin, paris and madrid`."""


class PlacesByCaseRecognizer(RegexRecognizer):
    entity = "LOCATION"
    score = 0.6

    def __init__(self, places: PlaceNames) -> None:
        super().__init__()
        self._places = places

    def find(self, text: str) -> list[tuple[int, int]]:
        words = [(m.start(), m.end(), m.group(0).lower()) for m in WORD.finditer(text)]
        spans: list[tuple[int, int]] = []
        last_place_end = -1
        i = 0
        while i < len(words):
            found = self._name_at(text, words, i)
            if found is None:
                i += 1
                continue
            key, j = found
            start, end = words[i][0], words[j - 1][1]
            listed = last_place_end >= 0 and _LIST_GAP.fullmatch(text, last_place_end, start)
            if key in self._places.needs_cue and not (_cued(text, words, i) or listed):
                i += 1
                continue
            value = text[start:end]
            if (value.islower() or value.isupper()) and not _embedded(text, start, end):
                spans.append((start, end))
            last_place_end = end  # a Title Case place still starts a list
            i = j
        return spans

    def _name_at(
        self, text: str, words: list[tuple[int, int, str]], i: int
    ) -> tuple[tuple[str, ...], int] | None:
        """The longest gazetteer name starting at word `i`, and the index of the word after it."""
        for key in self._places.by_first_word.get(words[i][2], ()):
            j = i + len(key)
            if j > len(words):
                continue
            if all(
                words[i + k][2] == key[k]
                and _NAME_GAP.fullmatch(text, words[i + k - 1][1], words[i + k][0])
                for k in range(1, len(key))
            ):
                return key, j
        return None


def _cued(text: str, words: list[tuple[int, int, str]], i: int) -> bool:
    """Whether word `i` follows a locative cue (`to`, `in`, ...) with only a space between."""
    if i == 0 or not text[words[i - 1][1] : words[i][0]].isspace():
        return False
    cue = words[i - 1][2]
    if cue not in _CUES:
        return False
    if cue == "to" and i >= 2 and words[i - 2][2] in _NOT_PLACE_BEFORE_TO:
        return False
    return True


def _embedded(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is part of a domain, an email, a path or an identifier."""
    return bool(
        (start > 0 and _EMBEDDED_BEFORE.match(text, start - 1))
        or _EMBEDDED_AFTER.match(text, end)
    )
