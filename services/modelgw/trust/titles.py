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

_MEDIA = (
    r"song|songs|playlist|karaoke|track|tracks|album|albums|book|books|novel|novels|reading"
    r"|film|films|movie|movies|cinema|series|podcast|podcasts|musical|poem|poems|watchlist"
    r"|setlist|soundtrack"
)
_MEDIA_LABEL = re.compile(rf"(?im)(?:^|[\n.!?;]\s*)[^\n:.!?;]*\b(?:{_MEDIA})\b[^\n:.!?;]*:[ \t]*")
"""A list's label naming titles, up to its colon: `Book club shortlist: `."""
_NOT_TITLES_LABEL = re.compile(r"(?i)\b(?:by|from|with|host|hosts|hosted|organi[sz]ed|author)\s*:")
"""`Film night hosted by: ...`: the list names people after all."""
_ITEM_START = re.compile(r"(?i)(?:[:,;][ \t]*|[ \t]+(?:or|and|then|&)[ \t]+)$")
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


def _item_of_titles(text: str, start: int, end: int) -> bool:
    """A whole item (or the end of one: `The Old Man and the Sea`) of a list whose label
    names titles, on the label's line."""
    line_start = text.rfind("\n", 0, start) + 1
    label = None
    for found in _MEDIA_LABEL.finditer(text, line_start, start):
        label = found
    if label is None or _NOT_TITLES_LABEL.search(label.group(0)):
        return False
    between = text[label.end() : start]
    if "\n" in between:
        return False
    item_start = max(between.rfind(c) for c in ",;:") + 1
    item = between[item_start:]
    if not (_ITEM_START.search(text[: start - len(item)]) or label.end() == start - len(item)):
        return False
    return _ITEM_END.match(text, end) is not None
