"""Person names the NER model cannot see: `john smith`, `JOHN SMITH`, `my name is anna`.

A first name from the census list followed by a last name from it, in any
case; or a lone first name right after words that introduce a person.
"""

from __future__ import annotations

import re

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.base import RegexRecognizer

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_INTRODUCERS = (
    "my name is",
    "name is",
    "name:",
    "i am",
    "i'm",
    "im",
    "this is",
    "dear",
    "hi",
    "hello",
    "hey",
    "regards,",
    "regards",
    "thanks,",
    "thanks",
    "signed",
    "call me",
    "patient",
    "customer",
    "employee",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "sincerely,",
)
_INTRODUCER = re.compile(
    r"(?i)(?:^|(?<=[\s,.;:!?(]))(?:" + "|".join(re.escape(p) for p in _INTRODUCERS) + r")\s+$"
)


class NamesByCaseRecognizer(RegexRecognizer):
    entity = "PERSON"
    score = 0.6

    def __init__(self, names: NameLists) -> None:
        super().__init__()
        self._first = names.first
        self._last = names.last

    def find(self, text: str) -> list[tuple[int, int]]:
        words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            start, end, word = words[i]
            if word not in self._first:
                i += 1
                continue
            j = i + 1
            # An optional middle initial ("john q. public").
            if j < len(words) and len(words[j][2]) == 1 and words[j][0] - end <= 1:
                j += 1
            if (
                j < len(words)
                and _adjacent(text, words[j - 1], words[j], after_initial=j == i + 2)
                and (words[j][2] in self._last or _both_titlecase(text, words[i], words[j]))
            ):
                spans.append((start, words[j][1]))
                i = j + 1
                continue
            if _INTRODUCER.search(text, max(0, start - 16), start):
                spans.append((start, end))
            i += 1
        return spans


def _adjacent(
    text: str, left: tuple[int, int, str], right: tuple[int, int, str], *, after_initial: bool
) -> bool:
    gap = text[left[1] : right[0]]
    return gap == " " or (after_initial and gap == ". ")


def _both_titlecase(text: str, first: tuple[int, int, str], last: tuple[int, int, str]) -> bool:
    """`Emily Young`: a known first name and a capitalised word after it is a name too."""
    a, b = text[first[0] : first[1]], text[last[0] : last[1]]
    return a.istitle() and b.istitle() and len(b) > 1
