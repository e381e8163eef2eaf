"""A name found once in a text is masked wherever the text repeats it.

People are named in full once and then by one part of the name: `hi its
lieselotte köhler` ... `thanks lieselotte`; `Attendees: Satō Tatsuya` ...
`- satō tatsuya: send the contract`. The first mention has the cues the
recognizers read (a given name and a surname, a greeting, a list); the later
ones often have none, and leak. A word of a PERSON detection that is no
ordinary English word (by the committed plain and weak word lists: `Mark`,
`Will`, `Rose` are never echoed) is masked at each of its other standalone
occurrences written as a name is (capitalised: `Lieselotte`, `KÖHLER`) or
exactly as it was found (`lieselotte` after `lieselotte`): `Mark Rowntree` ...
`mark the invoice` is no second mention, and a gateway has no dictionary to
tell `mark` from `lieselotte`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

from modelgw.trust.plain_words import Strength, load_plain_words

_WORD = re.compile(r"(?<![\w@.\-'\u2019/])[^\W\d_]{3,}(?![\w@\-'\u2019/]|\.\w)")
"""A standalone word: not a piece of an e-mail, a domain, a path or a hyphenated word."""


def echoed_words(original: str, persons: list[tuple[int, int]]) -> frozenset[str]:
    """The words of the person spans worth finding again, as written."""
    words = load_plain_words()
    return frozenset(
        m.group(0)
        for start, end in persons
        for m in _WORD.finditer(original, start, end)
        if words.strength(m.group(0)) is Strength.NONE
    )


def echoes(
    original: str, persons: list[tuple[int, int]], taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Other occurrences of `persons`' words that no span in `taken` (sorted by start) touches."""
    wanted = echoed_words(original, persons)
    if not wanted:
        return []
    folded = {w.lower() for w in wanted}
    touches = _Touches(taken)
    if original.isascii() and not _elsewhere(original.lower(), folded, touches):
        return []
    found: list[tuple[int, int]] = []
    for m in _WORD.finditer(original):
        word = m.group(0)
        if word.lower() not in folded or not (word in wanted or word[0].isupper()):
            continue
        if touches(m.start(), m.end()):
            continue
        found.append(m.span())
    return found


class _Touches:
    """Whether a range overlaps one of `taken` (sorted by start), by bisection: a text of
    thousands of names costs no quadratic time. The spans before the range's end overlap
    it if the furthest end among them passes its start."""

    def __init__(self, taken: list[tuple[int, int]]) -> None:
        self._starts = [a for a, _ in taken]
        self._furthest = list(accumulate((b for _, b in taken), max))

    def __call__(self, start: int, end: int) -> bool:
        index = bisect_left(self._starts, end) - 1
        return index >= 0 and self._furthest[index] > start


def _elsewhere(lower: str, folded: set[str], touches: _Touches) -> bool:
    """Whether a word of `folded` occurs in `lower` (an ASCII text lower-cased, so at the
    same offsets) outside every span of `taken`: an echo is such an occurrence, and on most
    texts there is none, so the scan of every word of the text is spared."""
    for word in folded:
        at = lower.find(word)
        while at >= 0:
            if not touches(at, at + len(word)):
                return True
            at = lower.find(word, at + 1)
    return False
