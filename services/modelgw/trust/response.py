"""Response scanning: personal data the caller did not send, and toxicity, handled by policy.

A `ResponseGuard` follows one answer segment by segment (see `segments`).
Detection runs on the *masked* answer, so placeholders are skipped and any
value found is one the model produced itself. Values the caller sent in
clear (allowed by policy) are left alone. What the guard returns is still
masked text: it is what the audit record stores, and what the restorer turns
into the caller's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from modelgw.common.config.tenants import EntityAction, EntityPolicy, ResponseScanPolicy
from modelgw.common.messages import EntityFinding
from modelgw.trust.detection import Detection
from modelgw.trust.engine import TrustEngine
from modelgw.trust.masking import MaskingTally, redaction_marker
from modelgw.trust.policy import findings
from modelgw.trust.restore import placeholder_pattern
from modelgw.trust.vault import Vault

TOXIC_MARKER = "[REDACTED TOXIC CONTENT]"
CONTEXT_CHARS = 64
"""How much of the answer before a segment detection reads with it."""


def _within_segment(found: Sequence[Detection], context: int) -> tuple[Detection, ...]:
    """Detections in (context + segment) as offsets into the segment; the context's own
    findings are dropped (that text was released already), one reaching into the
    segment keeps its part there."""
    return tuple(
        Detection(d.entity_type, max(0, d.start - context), d.end - context, d.score)
        for d in found
        if d.end > context
    )


@dataclass(slots=True)
class ResponseGuard:
    engine: TrustEngine
    tenant: str
    policy: EntityPolicy
    response: ResponseScanPolicy
    vault: Vault
    prompt_texts: tuple[str, ...]
    tally: MaskingTally = field(default_factory=MaskingTally)
    toxicity: float | None = None
    cut: bool = False
    """True once the policy stopped the answer (toxic or blocked content)."""
    _tail: str = ""
    """The end of the answer scanned so far: the next segment is read after it, so a cue
    (`call`, `postal code`, `Dear`) in the text before a value still counts."""

    @property
    def findings(self) -> tuple[EntityFinding, ...]:
        return findings(self.tally)

    @property
    def passthrough(self) -> bool:
        """New entities are allowed and no toxicity model runs: nothing to hold back for."""
        return (
            self.response.new_entity_action is EntityAction.ALLOW and self.engine.toxicity is None
        )

    @property
    def scores_toxicity(self) -> bool:
        return self.engine.toxicity is not None

    def _sent_by_caller(self, value: str) -> bool:
        folded = value.casefold()
        return any(folded in t.casefold() for t in self.prompt_texts)

    async def scan(self, segments: list[str], deadline: float | None = None) -> list[str]:
        """The segments after policy; after a cut, nothing more is returned.

        `deadline` (`time.monotonic()`) is the caller's budget when it is not this process.
        """
        if self.cut or not segments:
            return []
        inputs: list[str] = []
        contexts: list[int] = []
        tail = self._tail
        for segment in segments:
            inputs.append(tail + segment)
            contexts.append(len(tail))
            tail = (tail + segment)[-CONTEXT_CHARS:]
        self._tail = tail
        found_in_inputs = await self.engine.detect(
            inputs, self.policy, tenant=self.tenant, deadline=deadline
        )
        detections = [
            _within_segment(found, context)
            for found, context in zip(found_in_inputs, contexts, strict=True)
        ]
        scores = await self.engine.score_toxicity(segments)
        placeholders_re, _ = placeholder_pattern(
            frozenset(e.entity_type for e in self.vault.entries())
        )
        out: list[str] = []
        for index, (segment, found) in enumerate(zip(segments, detections, strict=True)):
            if scores is not None:
                score = scores[index]
                self.toxicity = max(self.toxicity or 0.0, score)
                if score >= self.response.toxicity_threshold:
                    action = self.response.toxicity_action
                    if action is EntityAction.BLOCK:
                        self.cut = True
                        return out
                    if action in (EntityAction.REDACT, EntityAction.MASK):
                        trailing = segment[len(segment.rstrip()) :]
                        out.append(TOXIC_MARKER + trailing)
                        continue
            placeholders = (
                [m.span() for m in placeholders_re.finditer(segment)] if len(self.vault) else []
            )
            pieces: list[str] = []
            cursor = 0
            for d in found:
                if any(d.start < e and s < d.end for s, e in placeholders):
                    continue
                value = segment[d.start : d.end]
                if self._sent_by_caller(value):
                    continue
                action = self.response.new_entity_action
                self.tally.add(d.entity_type, action)
                if action is EntityAction.BLOCK:
                    self.cut = True
                    return out
                if action is EntityAction.ALLOW:
                    continue
                replacement = (
                    self.vault.placeholder_for(d.entity_type, value)
                    if action is EntityAction.MASK
                    else redaction_marker(d.entity_type)
                )
                pieces.append(segment[cursor : d.start])
                pieces.append(replacement)
                cursor = d.end
            pieces.append(segment[cursor:])
            out.append("".join(pieces))
        return out

    def unscanned(self, segment: str) -> None:
        """Ordinary words released without a scan still read before the next segment."""
        self._tail = (self._tail + segment)[-CONTEXT_CHARS:]

    async def close(self) -> None:
        return None
