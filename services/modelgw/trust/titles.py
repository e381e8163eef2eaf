"""Titles of songs, books and films are not the people or places their words name.

`Eleanor Rigby`, `Mrs Robinson`, `A Gentleman in Moscow`, `Notting Hill`:
the name and place recognizers (and the NER model) read them as what their
words are. What says they are titles is around them, not in them: a list
whose label names songs, books or films (`Karaoke requests: ...`, `Reading
list: ...; ...`), each item a whole title between the list's separators, or
a note after it (`Baker Street (the song)`). Quotes alone say nothing: a
display name (`"Chatterjee, Kavya" <...>`) and a JSON value are quoted too.
A name in such a list that the sentence goes on about (`Film night: Anna
brings snacks`) is not a whole item, and stays masked.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from modelgw.trust.caseless import CaselessPattern

_MEDIA = (
    r"song|songs|playlist|karaoke|track|tracks|album|albums|book|books|novel|novels|reading"
    r"|film|films|movie|movies|cinema|series|podcast|podcasts|musical|poem|poems|watchlist"
    r"|setlist|soundtrack"
)
_MEDIA_WORD = CaselessPattern(rf"\b(?:{_MEDIA})\b")
"""Any word of a label naming titles: without one before a name on its line, no label."""
_MEDIA_LABEL = re.compile(rf"(?im)(?:^|[\n.!?;]\s*)[^\n:.!?;]*\b(?:{_MEDIA})\b[^\n:.!?;]*:[ \t]*")
"""A list's label naming titles, up to its colon: `Book club shortlist: `."""
_NOT_TITLES_LABEL = re.compile(r"(?i)\b(?:by|from|with|host|hosts|hosted|organi[sz]ed|author)\s*:")
"""`Film night hosted by: ...`: the list names people after all."""
_ITEM_START = re.compile(r"(?i)(?:[:,;][ \t]*|[ \t]+(?:or|and|then|&)[ \t]+)$")
_SEPARATOR_WINDOW = 32
"""Characters before an item where its separator (`, `, ` and `) is looked for."""
_ITEM_END = re.compile(r"(?i)[ \t]*(?:[,;.!?\n]|$|[ \t](?:or|and|then|&)[ \t])")
_NOTE_AFTER = re.compile(
    rf"[ \t]*\((?:the[ \t]+)?(?:{_MEDIA}|band|group|artist|brand|restaurant|shop|store|cafe)\)",
    re.IGNORECASE,
)
_TITLED_TYPES = frozenset({"PERSON", "LOCATION"})


def is_title(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]`, found as a name or a place, is (part of) a title."""
    return _note_after(text, end) or _item_of_titles(text, start, end)


def titled_type(entity_type: str) -> bool:
    return entity_type in _TITLED_TYPES


def _note_after(text: str, end: int) -> bool:
    return _NOTE_AFTER.match(text, end) is not None


@lru_cache(maxsize=4)
def _media_words(text: str) -> tuple[int, ...]:
    """Where `text`'s media words start, found once per text (a text's names are asked
    about one by one)."""
    return tuple(m.start() for m in _MEDIA_WORD.finditer(text))


@lru_cache(maxsize=4)
def _labels(text: str) -> tuple[tuple[re.Match[str], int], ...]:
    """Every label of `text` with where its words begin (a match may start at the
    punctuation or newline before them), found once per text: a text's names are asked
    about one by one, and the label pattern backtracks over a whole line each time."""
    labels = []
    for found in _MEDIA_LABEL.finditer(text):
        words = found.group(0).lstrip("\n.!?; \t\r\f\v")
        labels.append((found, found.end() - len(words)))
    return tuple(labels)


def _item_of_titles(text: str, start: int, end: int) -> bool:
    """A whole item (or the end of one: `The Old Man and the Sea`) of a list whose label
    names titles, on the label's line."""
    line_start = text.rfind("\n", 0, start) + 1
    words = _media_words(text)
    first = bisect_left(words, line_start)
    if first == len(words) or words[first] >= start:
        return False  # the common case: no media word before the name on its line
    label = None
    for found, begins in _labels(text):
        if begins >= line_start and found.end() <= start:
            label = found
    if label is None or _NOT_TITLES_LABEL.search(label.group(0)):
        return False
    between = text[label.end() : start]
    if "\n" in between:
        return False
    item_start = max(between.rfind(c) for c in ",;:") + 1
    item = between[item_start:]
    item_at = start - len(item)
    # The separator just before the item: read from a short window, not the whole text
    # (a search anchored at `$` still tries every position before it).
    window = text[max(0, item_at - _SEPARATOR_WINDOW) : item_at]
    if not (_ITEM_START.search(window) or label.end() == item_at):
        return False
    return _ITEM_END.match(text, end) is not None
