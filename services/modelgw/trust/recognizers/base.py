"""The base of our own recognizers: regex candidates, an optional validator, a value group.

Presidio's `PatternRecognizer` scores the whole match; many secrets sit
after a key (`password=...`, `Bearer ...`) and only the value must be
masked, so a pattern here may name a `value` group. `validate` rejects
candidates that look right but are not (bad checksum, impossible address).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from modelgw.trust.caseless import CaselessPattern

DIGIT_GROUP_SEPARATOR = r"(?: - |  |[ \-.])"
"""Between the digit groups of a card or an IBAN as people regroup them: a space, dash or
dot, or a spaced dash or double space."""


class RegexRecognizer(EntityRecognizer):
    """Finds `entity` with `patterns`; subclasses may override `validate` and `refine`."""

    entity: str = ""
    patterns: Sequence[re.Pattern[str]] = ()
    score: float = 0.9
    quick_check: re.Pattern[str] | CaselessPattern | None = None
    """A cheap pattern that must occur somewhere before the real ones are tried."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.entity], name=type(self).__name__)

    def load(self) -> None:
        return None

    def validate(self, value: str) -> bool:
        return True

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Adjust or reject a candidate span; default: keep it if `validate` accepts it."""
        return (start, end) if self.validate(text[start:end]) else None

    def find(self, text: str) -> list[tuple[int, int]]:
        if self.quick_check is not None and not self.quick_check.search(text):
            return []
        spans: list[tuple[int, int]] = []
        for pattern in self.patterns:
            group = "value" if "value" in pattern.groupindex else 0
            for match in pattern.finditer(text):
                start, end = match.span(group)
                if start < 0 or end <= start:
                    continue
                refined = self.refine(text, start, end)
                if refined is not None:
                    spans.append(refined)
        return spans

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.entity not in entities:
            return []
        return [
            RecognizerResult(self.entity, start, end, self.score) for start, end in self.find(text)
        ]
