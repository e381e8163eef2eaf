# ruff: noqa: SIM905, RUF002  (word lists read best as words; Turkish letters in examples)
"""The items of a list are of one kind: a list mostly of found names is a list of names.

`Confirmed for Thursday: Güneş, Nair, Guimarães, Núñez Vázquez and Rowntree`:
each recognizer judges each surname alone, and one that no name list holds
(`Rowntree`) leaks though the four around it were found. A writer lists like
with like, so when at least two items of a list, and at least half of them,
are each found whole as one kind (a PERSON, a LOCATION), the other items are
read as that kind too, when they could be: words written as the found items
are (capitalised, ALL CAPS or lower case), none of them an ordinary English
word (the committed plain-word list) or a stop word but the particles of
names (`de`, `von`, `dos`), at most three, and no other detection on them.

Only the items of a list joined by commas and `and`/`or`/`&` on one line are
read; a title list that merely holds names (`MRS ROBINSON, ELEANOR RIGBY`
found as one span across two items) has no item found whole and spreads
nothing. A list that a word for people leads (`Attendees from the vendor side:
Cavalcanti, Loreal and Hancock`) is read as names, found or not, when every
one of its items could be a name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from modelgw.trust.plain_words import Strength, load_plain_words
from modelgw.trust.stop_words import english_stop_words

SPREAD_TYPES = ("PERSON", "LOCATION")
"""The kinds a list's items take from each other."""

CUED_SCORE = 0.6
"""The score of names read from a list a word for people leads, where no name was found (a
rule's, as `names_by_role` gives)."""

MAX_WORDS = 3
"""Words in an item that is read as a name or a place (`Núñez Vázquez`, `von Ahlefeldt`)."""

PARTICLES = frozenset(
    "de da do dos das del della di du des la le van von der den ter ten bin al el y e".split()
)
"""The small words inside names and places, which may be stop words (`de la Cruz`)."""

_WORD = r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*"
_RUN = re.compile(rf"{_WORD}(?:(?:[ \t]*[,&][ \t]*|[ \t]+){_WORD})*")
"""Words on one line with only spaces, commas and `&` between them: where a list's items are."""
_SEPARATOR = re.compile(r"[ \t]*,[ \t]*(?:(?i:and|or|&)[ \t]+)?|[ \t]+(?i:and|or|&)[ \t]+")
_WORDS = re.compile(_WORD)
_PEOPLE_CUE = re.compile(
    r"(?i)\b(?:attendees|participants|invitees|guests|speakers|panell?ists|shortlist|candidates"
    r"|signatories|finalists|nominees|reviewers|approvers|interviewees|applicants|present"
    r"|apologies|cc)\b[^\n:.;!?]{0,40}?(?::|\b(?:is|are|were)\b)[ \t]*"
)
"""A word for people before a list of them, ended by a colon or `is`/`are`."""
_MIDDLE_WORDS = 4
"""The most words of an item between two others: a longer one is a clause, and ends a list."""


@dataclass(frozen=True, slots=True)
class Found:
    """A detection the list reading looks at: its kind and span."""

    entity_type: str
    start: int
    end: int


def spread(original: str, found: Sequence[Found]) -> list[Found]:
    """The items of lists in `original` read as the kind most of their items were found as,
    not touching any span of `found`."""
    out = _cued(original, found)
    kinds = [f for f in found if f.entity_type in SPREAD_TYPES]
    if len(kinds) < 2:
        return out
    starts = sorted(f.start for f in kinds)
    for start, end in _lines_with_two(original, kinds):
        for run in _RUN.finditer(original, start, end):
            if bisect_left(starts, run.end()) - bisect_left(starts, run.start()) < 2:
                continue  # two found items at least, or no list of them here
            for items in _lists(original, run.start(), run.end()):
                out.extend(
                    f
                    for f in _in_list(original, items, found)
                    if not any(o.start < f.end and f.start < o.end for o in out)
                )
    return out


def _cued(original: str, found: Sequence[Found]) -> list[Found]:
    """The items of lists that a word for people leads (`Attendees from the vendor side:
    Cavalcanti, Loreal and Hancock`): names, all of them, when every one could be."""
    out: list[Found] = []
    for cue in _PEOPLE_CUE.finditer(original):
        run = _RUN.match(original, cue.end())
        if run is None:
            continue
        lists = _lists(original, run.start(), run.end())
        if not lists or lists[0][0][0] != run.start():
            continue
        items = lists[0]
        written = _written(original[items[0][0] : items[-1][1]])
        candidates = [
            _candidate(original, a, b, False, i == len(items) - 1, written)
            for i, (a, b) in enumerate(items)
        ]
        if any(c is None for c in candidates):
            continue  # `Attendees: Anna, the whole sales team and Kwame`: not a list of names
        out.extend(
            Found("PERSON", a, b)
            for a, b in (c for c in candidates if c is not None)
            if not any(f.start < b and a < f.end for f in found)
        )
    return out


def _written(text: str) -> str:
    """How the words of `text` are written: `lower`, `upper`, else `title` (mixed case)."""
    letters = "".join(c for c in text if c.isalpha())
    if letters.islower():
        return "lower"
    return "upper" if letters.isupper() else "title"


def _lines_with_two(original: str, found: list[Found]) -> list[tuple[int, int]]:
    """The lines of `original` holding at least two of `found` (a list is on one line)."""
    lines: dict[tuple[int, int], int] = {}
    for f in found:
        start = original.rfind("\n", 0, f.start) + 1
        end = original.find("\n", f.end)
        key = (start, len(original) if end < 0 else end)
        lines[key] = lines.get(key, 0) + 1
    return sorted(line for line, count in lines.items() if count >= 2)


def _lists(original: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """The lists of three items or more in a run of words: a middle item of more than
    `_MIDDLE_WORDS` words is a clause, and ends one list and begins the next."""
    items: list[tuple[int, int]] = []
    at = start
    for sep in _SEPARATOR.finditer(original, start, end):
        items.append((at, sep.start()))
        at = sep.end()
    items.append((at, end))
    lists: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for item in items:
        current.append(item)
        if len(_WORDS.findall(original, *item)) > _MIDDLE_WORDS:
            if len(current) >= 3:
                lists.append(current)
            current = [item]
    if len(current) >= 3:
        lists.append(current)
    return lists


def _in_list(original: str, items: list[tuple[int, int]], found: Sequence[Found]) -> list[Found]:
    start, end = items[0][0], items[-1][1]
    inside = [f for f in found if f.start < end and start < f.end]
    for kind in SPREAD_TYPES:
        whole = [
            i
            for i, (a, b) in enumerate(items)
            if any(f.entity_type == kind and a <= f.start and f.end <= b for f in inside)
        ]
        if len(whole) < 2:
            continue
        written = _case(original, [items[i] for i in whole], inside, kind)
        candidates = [
            _candidate(original, a, b, i == 0, i == len(items) - 1, written)
            for i, (a, b) in enumerate(items)
        ]
        others = sum(1 for i, c in enumerate(candidates) if c is not None and i not in whole)
        if len(whole) < others:
            return []  # fewer than half of the items that could be names are found ones
        return [
            Found(kind, c[0], c[1])
            for i, c in enumerate(candidates)
            if c is not None
            and i not in whole
            and not any(f.start < c[1] and c[0] < f.end for f in inside)
        ]
    return []


def _case(
    original: str, items: list[tuple[int, int]], inside: list[Found], kind: str
) -> str | None:
    """How the found items are written: `lower`, `upper` or `title` (None: mixed)."""
    texts = [
        original[f.start : f.end]
        for f in inside
        if f.entity_type == kind and any(a <= f.start and f.end <= b for a, b in items)
    ]
    written = _written(" ".join(texts))
    if written == "title" and not all(
        w[0].isupper() or w in PARTICLES for t in texts for w in _WORDS.findall(t)
    ):
        return None  # `Anna` and `kwame`: no one way to write the others
    return written


def _candidate(
    original: str, start: int, end: int, first: bool, last: bool, written: str | None
) -> tuple[int, int] | None:
    """The span of the item at `start`-`end` that could be a name or a place: all of a middle
    item, the end of the first one (`The shortlist is Yıldırım`) and the start of the last
    (`Pietrzak asked to join`)."""
    if written is None:
        return None
    words = [(m.start(), m.end()) for m in _WORDS.finditer(original, start, end)]
    fits = [_fits(original[a:b], written) for a, b in words]
    if first:
        while fits and not fits[0]:
            words, fits = words[1:], fits[1:]
    if last:
        while fits and not fits[-1]:
            words, fits = words[:-1], fits[:-1]
    if not words or not all(fits) or len(words) > MAX_WORDS:
        return None
    if original[words[0][0] : words[0][1]].lower() in PARTICLES and len(words) == 1:
        return None
    return words[0][0], words[-1][1]


def _fits(word: str, written: str) -> bool:
    lower = word.lower()
    if lower in PARTICLES:
        return True
    if lower in english_stop_words() or load_plain_words().strength(word) is Strength.PLAIN:
        return False
    if written == "lower":
        return word.islower()
    if written == "upper":
        return word.isupper()
    return word[0].isupper()
