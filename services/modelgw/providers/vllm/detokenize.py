"""Token ids → text as they stream in, with stop strings cut exactly.

Two things make this more than `decode(ids)` per chunk: a character can span
several tokens (multi-byte UTF-8 in byte-level BPE), so text appears only
once it is whole; and a stop string can arrive split over chunks, so text that
could be the start of one is held back until it is clear. The engine is told
the stop strings too (it stops generating), but its token ids still hold the
stop string, so the cut happens here.
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import Tokenizer
from tokenizers.decoders import DecodeStream


def _held_back(text: str, stops: tuple[str, ...]) -> int:
    """Length of the longest end of `text` that is the beginning of some stop string."""
    longest = 0
    for stop in stops:
        for n in range(min(len(stop) - 1, len(text)), longest, -1):
            if text.endswith(stop[:n]):
                longest = n
                break
    return longest


class IncrementalDetokenizer:
    """Feed token ids, get the text that is final so far; `stopped` once a stop string hit."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        stop: Iterable[str] = (),
        *,
        skip_special_tokens: bool = True,
    ) -> None:
        self._tokenizer = tokenizer
        self._stream = DecodeStream(skip_special_tokens=skip_special_tokens)
        self._stops = tuple(s for s in stop if s)
        self._pending = ""
        self.stopped = False
        self.tokens = 0

    def feed(self, token_ids: Iterable[int]) -> str:
        """Text that became final with these ids; empty while a character or stop is open."""
        if self.stopped:
            return ""
        for token_id in token_ids:
            self.tokens += 1
            piece = self._stream.step(self._tokenizer, token_id)
            if piece:
                self._pending += piece
        return self._release()

    def _release(self) -> str:
        if not self._stops:
            out, self._pending = self._pending, ""
            return out
        cut = min((i for i in (self._pending.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            out = self._pending[:cut]
            self._pending = ""
            self.stopped = True
            return out
        keep = _held_back(self._pending, self._stops)
        out = self._pending[: len(self._pending) - keep]
        self._pending = self._pending[len(out) :]
        return out

    def finish(self) -> str:
        """The held-back tail once the answer is over (it turned out not to be a stop)."""
        if self.stopped:
            return ""
        out, self._pending = self._pending, ""
        return out
