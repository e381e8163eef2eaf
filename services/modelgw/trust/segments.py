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

import itertools
import re

from modelgw.trust.plain_words import PlainWords, Strength, Traits, cuttable

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

    def feed(self, chunk: str) -> list[str]:
        self._pending += chunk
        text, start = self._pending, 0
        segments: list[str] = []
        while True:
            cuts = self._cuts(text[start : start + self._max - 1], len(text) - start)
            if not cuts and len(text) - start >= self._max:
                # a cut that needs more than the window (a word past it, a `MAX_SEGMENT`
                # cut): the general way, one cut
                self._pending = text[start:]
                cuts = [cut] if (cut := self._cut()) else []
            if not cuts:
                break
            segments += [text[start + a : start + b] for a, b in itertools.pairwise([0, *cuts])]
            start += cuts[-1]
        self._pending = text[start:]
        return segments

    def _cuts(self, window: str, rest: int) -> list[int]:
        """The cuts `_cut` would make one after another at the start of a text of `rest`
        characters whose first `MAX_SEGMENT - 1` are `window`, in one pass over its words:
        the same cuts (a test holds them equal), without starting over at each (an answer of
        ordinary words is cut between nearly every two words, and starting over cost half).

        The window's last word is read as one that may still grow. A segment of the longer
        text with no sentence end in the window may be cut for its length (`_cut`): the
        pass stops before one."""
        words, cuts = self._words, list[int]()
        # A segment that begins at `start >= unbounded` is shorter than `MAX_SEGMENT` in any
        # case; one before it is cut here only where it has a sentence end in the window.
        unbounded = rest - self._max + 1
        sentence = _sentence_end(window, 0)
        if not (sentence or unbounded <= 0):
            return cuts
        traits = words.traits
        index, previous, previous_end = 0, _NO_WORD, 0
        for match in _WORD.finditer(window):
            word_start, word_end = match.span()
            while sentence and word_start >= sentence:  # the segment ends at its sentence's end
                cuts.append(sentence)
                index, sentence = 0, _sentence_end(window, sentence)
                if not (sentence or cuts[-1] >= unbounded):
                    return cuts
            word = traits(match.group())
            if index == 1 and previous.lead and window[word_start].islower():  # `leads`
                cuts.append(previous_end)  # this word begins the next segment
                index = 0
                if not (sentence or previous_end >= unbounded):
                    return cuts
            if word_end >= len(window):
                break  # the word may still grow: nothing after it is decided yet
            if index >= 1 and cuttable(previous.strength, word.strength):
                cuts.append(previous_end)
                index = 0
                if not (sentence or previous_end >= unbounded):
                    return cuts
            previous, previous_end, index = word, word_end, index + 1
        else:
            while sentence:
                cuts.append(sentence)
                sentence = _sentence_end(window, sentence)
                if not (sentence or cuts[-1] >= unbounded):
                    return cuts
        return cuts

    def ordinary(self, segment: str) -> bool:
        """Whether every word of `segment` is inert: then it holds no personal value."""
        return all(map(self._words.inert, segment.split()))


_NO_WORD = Traits(Strength.NONE, lead=False, inert=False)
"""Before a segment's first word: nothing to cut after."""


def _sentence_end(text: str, start: int) -> int:
    """The end of the first sentence end after `start` (its whitespace included), or 0."""
    end = _SENTENCE_END.search(text, start)
    return end.end() if end is not None else 0


def split_segments(text: str, max_segment: int = MAX_SEGMENT) -> list[str]:
    segmenter = Segmenter(max_segment)
    return segmenter.feed(text) + segmenter.finish()
