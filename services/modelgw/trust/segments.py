"""Cut an answer into segments the same way whether it streams or not.

Response scanning looks at one segment at a time; a streamed answer is held
back until its segment is complete. `Segmenter` cuts at sentence ends (a
sentence end followed by whitespace, a newline, or at most `MAX_SEGMENT`
characters, cut after the last space). `EagerSegmenter` also cuts between
two ordinary words (see `plain_words`: both may border a cut, one of them is
plain): no personal value runs across such a gap, so a stream is held back
only over a run of words that could belong to one, plus the word after it.
After a lead word (`PlainWords.leads`: `The`, `your`) at the start of the
pending text, the cut needs only the next word's first letter.

The cut points depend only on the text, never on how it was chunked (a cut
is made once the word after it is complete), which is what makes streamed
and non-streamed answers identical.
"""

from __future__ import annotations

import re

from modelgw.trust.plain_words import PlainWords

_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?\n]\s")

MAX_SEGMENT = 400


class Segmenter:
    def __init__(self, max_segment: int = MAX_SEGMENT) -> None:
        self._max = max_segment
        self._pending = ""

    def _cut(self) -> int:
        """Length of the next complete segment in the pending text, or 0."""
        text = self._pending
        end = _SENTENCE_END.search(text, 0, min(len(text), self._max))
        if end is not None:
            return end.end()
        if len(text) >= self._max:
            window = text[: self._max]
            space = max(window.rfind(" "), window.rfind("\t"))
            return space + 1 if space > 0 else self._max
        return 0

    def feed(self, chunk: str) -> list[str]:
        self._pending += chunk
        segments: list[str] = []
        while (cut := self._cut()) > 0:
            segments.append(self._pending[:cut])
            self._pending = self._pending[cut:]
        return segments

    def finish(self) -> list[str]:
        rest, self._pending = self._pending, ""
        return [rest] if rest else []


class EagerSegmenter(Segmenter):
    """Sentence cuts, and a cut between every two ordinary words as soon as both are whole."""

    def __init__(self, plain_words: PlainWords, max_segment: int = MAX_SEGMENT) -> None:
        super().__init__(max_segment)
        self._words = plain_words

    def _cut(self) -> int:
        sentence = super()._cut()
        text = self._pending
        limit = sentence or len(text)
        previous: re.Match[str] | None = None
        for index, word in enumerate(_WORD.finditer(text, 0, limit)):
            if index == 1 and previous and self._words.leads(previous.group(), word.group()):
                # The pending text's first word is bound to nothing on its left (a cut
                # or the answer's start is there); after a lead word it may leave now.
                return previous.end()
            if word.end() >= len(text):
                break  # the word may still grow: nothing after it is decided yet
            if previous is not None and self._words.cuttable(previous.group(), word.group()):
                # Before the space, not after it: models send words with their leading
                # space (` refund`), so the cut falls where the backend's chunks do.
                return previous.end()
            previous = word
        return sentence

    def ordinary(self, segment: str) -> bool:
        """Whether every word of `segment` is inert: then it holds no personal value."""
        return all(self._words.inert(w) for w in segment.split())


def split_segments(text: str, max_segment: int = MAX_SEGMENT) -> list[str]:
    segmenter = Segmenter(max_segment)
    return segmenter.feed(text) + segmenter.finish()
