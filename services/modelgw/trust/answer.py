"""From the backend's masked answer to the caller's text: scan, then restore, segment by segment.

Both the streamed and the non-streamed path push the answer through an
`AnswerFilter`: segments are cut by content only (`segments`), each is
scanned by the tenant's response policy, then restored. So the caller gets
the same text whichever path it took and however the backend chunked it;
`masked_text` (what the audit record stores) never holds restored values.

A segment may span several of the backend's chunks (a run of words held back
together). Where scanning and restoring left such a segment as it was, it
leaves in the same pieces the backend sent, so a caller counting or timing
tokens sees the backend's chunking, only later by the hold-back; a segment
that was changed (a value masked, a placeholder restored) leaves as one piece.
"""

from __future__ import annotations

import dataclasses
import itertools

from modelgw.common.messages import TrustSummary
from modelgw.trust.client import ResponseScanner
from modelgw.trust.plain_words import PlainWords
from modelgw.trust.restore import Escape, StreamRestorer
from modelgw.trust.segments import EagerSegmenter, Segmenter
from modelgw.trust.vault import Vault


def _pieces(text: str, cuts: list[int]) -> list[str]:
    """`text` cut at the offsets `cuts` (ascending, inside it)."""
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]


class AnswerFilter:
    def __init__(
        self,
        scanner: ResponseScanner,
        vault: Vault,
        plain_words: PlainWords | None = None,
        escape: Escape | None = None,
    ) -> None:
        """`plain_words`: cut between ordinary words (`EagerSegmenter`), else at sentences.
        `escape`: how restored values are written (JSON answers escape them)."""
        self._scanner = scanner
        self._segmenter: Segmenter = (
            EagerSegmenter(plain_words) if plain_words is not None else Segmenter()
        )
        self._restorer = StreamRestorer(vault, escape)
        self._masked: list[str] = []
        self._received = 0
        """Characters of the answer fed so far."""
        self._segmented = 0
        """Characters of the answer cut into segments so far."""
        self._chunk_ends: list[int] = []
        """Where the backend's chunks ended, past `_segmented`."""

    @property
    def cut(self) -> bool:
        """The response policy stopped the answer; read no more of it."""
        return self._scanner.cut

    @property
    def masked_text(self) -> str:
        return "".join(self._masked)

    def summary(self, prompt_summary: TrustSummary) -> TrustSummary:
        return dataclasses.replace(
            prompt_summary,
            response_entities=self._scanner.findings,
            toxicity=self._scanner.toxicity,
        )

    async def _segments(self, segments: list[str]) -> list[str]:
        out: list[str] = []
        for segment, scan in self._runs(segments):
            start = self._segmented
            self._segmented += len(segment)
            cuts = [end - start for end in self._chunk_ends if end < self._segmented]
            self._chunk_ends = [end for end in self._chunk_ends if end > self._segmented]
            if self._scanner.cut:
                break
            if scan:
                scanned = await self._scanner.scan([segment])
            else:
                self._scanner.unscanned(segment)
                scanned = [segment]
            for text in scanned:
                self._masked.append(text)
                restored = self._restorer.feed(text)
                if restored == segment == text and not self._restorer.held:
                    out.extend(_pieces(restored, cuts))
                elif restored:
                    out.append(restored)
        return out

    def _runs(self, segments: list[str]) -> list[tuple[str, bool]]:
        """The segments, each with whether it must be scanned; consecutive ones released
        unscanned are joined into one. Nothing reads them but the scanner's context, which
        reads them in order either way, so what leaves is the same text, in the backend's
        pieces: a whole answer of ordinary words (a non-streamed answer is one chunk) is
        one piece, not one per pair of words.

        Unscanned: ordinary words only (`EagerSegmenter.ordinary`), where nothing scores
        toxicity: nothing to find in them."""
        segmenter = self._segmenter
        if not isinstance(segmenter, EagerSegmenter) or self._scanner.scores_toxicity:
            return [(segment, True) for segment in segments]
        runs: list[tuple[str, bool]] = []
        unscanned: list[str] = []
        for segment in segments:
            if segmenter.ordinary(segment):
                unscanned.append(segment)
                continue
            if unscanned:
                runs.append(("".join(unscanned), False))
                unscanned = []
            runs.append((segment, True))
        if unscanned:
            runs.append(("".join(unscanned), False))
        return runs

    async def feed(self, chunk: str) -> list[str]:
        """The text the caller may have now, in the pieces it should leave in."""
        if self._scanner.cut:
            return []
        if self._scanner.passthrough:  # nothing to scan for: stream as the backend does
            self._masked.append(chunk)
            restored = self._restorer.feed(chunk)
            return [restored] if restored else []
        self._received += len(chunk)
        self._chunk_ends.append(self._received)
        return await self._segments(self._segmenter.feed(chunk))

    async def finish(self) -> list[str]:
        """The rest of the answer, in the pieces it should leave in."""
        if self._scanner.passthrough:
            rest = self._restorer.finish()
            return [rest] if rest else []
        pieces = await self._segments(self._segmenter.finish())
        rest = self._restorer.finish()
        return [*pieces, rest] if rest else pieces

    async def close(self) -> None:
        """The answer is over (or abandoned): the scanner lets go of what it holds."""
        await self._scanner.close()
