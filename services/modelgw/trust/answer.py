"""From the backend's masked answer to the caller's text: scan, then restore, segment by segment.

Both the streamed and the non-streamed path push the answer through an
`AnswerFilter`: segments are cut by content only (`segments`), each is
scanned by the tenant's response policy, then restored. So the caller gets
the same text whichever path it took and however the backend chunked it;
`masked_text` (what the audit record stores) never holds restored values.
"""

from __future__ import annotations

import dataclasses

from modelgw.common.messages import TrustSummary
from modelgw.trust.client import ResponseScanner
from modelgw.trust.restore import Escape, StreamRestorer
from modelgw.trust.segments import EagerSegmenter, Segmenter
from modelgw.trust.vault import Vault


class AnswerFilter:
    def __init__(
        self,
        scanner: ResponseScanner,
        vault: Vault,
        plain_words: frozenset[str] | None = None,
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

    async def _segments(self, segments: list[str]) -> str:
        out: list[str] = []
        for segment in segments:
            if self._scanner.cut:
                break
            if self._unscanned(segment):
                self._masked.append(segment)
                out.append(self._restorer.feed(segment))
                continue
            for scanned in await self._scanner.scan([segment]):
                self._masked.append(scanned)
                out.append(self._restorer.feed(scanned))
        return "".join(out)

    def _unscanned(self, segment: str) -> bool:
        """Ordinary words only, and nothing scores toxicity: nothing to find in it."""
        segmenter = self._segmenter
        return (
            isinstance(segmenter, EagerSegmenter)
            and not self._scanner.scores_toxicity
            and segmenter.ordinary(segment)
        )

    async def feed(self, chunk: str) -> str:
        if self._scanner.cut:
            return ""
        if self._scanner.passthrough:  # nothing to scan for: stream as the backend does
            self._masked.append(chunk)
            return self._restorer.feed(chunk)
        return await self._segments(self._segmenter.feed(chunk))

    async def finish(self) -> str:
        if self._scanner.passthrough:
            return self._restorer.finish()
        text = await self._segments(self._segmenter.finish())
        return text + self._restorer.finish()

    async def close(self) -> None:
        """The answer is over (or abandoned): the scanner lets go of what it holds."""
        await self._scanner.close()
