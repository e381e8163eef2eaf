"""A pattern that ends in a rare tail, scanned only in the stretch of text before each tail.

`Town, State 560001` and `Kita-ku, Osaka 530-0001` end in a postcode; the
town words before it are what is costly to look for (`re` tries them at every
word of the text: ~0.9 ms on a 4 KB message, which nearly always holds some
six-digit number). Every match of such a pattern ends where an occurrence of
its tail ends, and before the tail holds only characters of a known class
(`lead`). So a match lies in the run of `lead` characters that ends at its
tail, and the pattern needs to be tried only there: from the run's start (or
the end of the match before, as `finditer` goes on from there) to the tail's
end, plus the characters its lookahead reads. Occurrences of the tail must not
overlap one another (each then is one `finditer` of the tail finds).
"""

from __future__ import annotations

import re
from collections.abc import Iterator


class TailAnchored:
    """`pattern.finditer(text)`, tried only before each occurrence of `tail`."""

    def __init__(
        self, pattern: re.Pattern[str], tail: re.Pattern[str], lead: str, lookahead: int = 1
    ) -> None:
        """`lead`: a regex class holding every character a match has before its tail;
        `lookahead`: how many characters past its end the pattern reads."""
        self.pattern = pattern
        self._tail = tail
        self._outside = re.compile(rf"(?!{lead}).", re.DOTALL)
        self._lookahead = lookahead

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        tails = list(self._tail.finditer(text))
        if not tails:
            return
        size = len(text)
        backwards = text[::-1]  # the run before a tail, read from its end in C
        pos = 0
        for tail in tails:
            if tail.start() < pos:
                continue
            outside = self._outside.search(backwards, size - tail.start())
            run_start = size - outside.start() if outside is not None else 0
            found = self.pattern.search(
                text, max(pos, run_start), min(size, tail.end() + self._lookahead)
            )
            if found is not None:
                yield found
                pos = found.end()
