"""Cut an answer into sentence-sized segments the same way whether it streams or not.

Response scanning looks at one segment at a time; a streamed answer is held
back until its segment is complete (a sentence end followed by whitespace, a
newline, or at most `MAX_SEGMENT` characters, cut after the last space).
The cut points depend only on the text, never on how it was chunked, which
is what makes streamed and non-streamed answers identical.
"""

from __future__ import annotations

MAX_SEGMENT = 400
_ENDS = ".!?\n"


class Segmenter:
    def __init__(self, max_segment: int = MAX_SEGMENT) -> None:
        self._max = max_segment
        self._pending = ""

    def _cut(self) -> int:
        """Length of the next complete segment in the pending text, or 0."""
        text = self._pending
        limit = min(len(text) - 1, self._max - 1)
        for i in range(limit):
            if text[i] in _ENDS and text[i + 1].isspace():
                return i + 2
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


def split_segments(text: str, max_segment: int = MAX_SEGMENT) -> list[str]:
    segmenter = Segmenter(max_segment)
    return segmenter.feed(text) + segmenter.finish()
