"""Presidio's `AnalyzerEngine.analyze`, without the work it redoes on every call.

For each text, stock `analyze` picks the recognizers again (every entity
against every recognizer, ~600 checks, gathered in a set), regroups the
findings by recognizer once per recognizer before the context enhancer
(two passes over all findings for each of ~30 recognizers), and strips the
decision process it never recorded. On a 1 KB message that was ~0.2 ms, a
twentieth of the pattern recognizers' time. Here the recognizers are picked
once per (language, entities) and kept in the order `get_recognizers` gave
them (the same objects in the same set give the same order every time), and
the regrouping is skipped when no recognizer enhances its own findings
(then it hands every finding back in the order it came: each recognizer's
findings follow one another, in the recognizers' order). Everything else is
Presidio's own code, called in the same order: each recognizer's `analyze`,
the recognizer ids, the context enhancer, the score threshold. The
duplicates are left in: `analyze_with` may run one part of the recognizers
(`pattern_parts`), and the caller removes them once the parts' findings are
together (`detection_plan.remove_contained`, Presidio's rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult

from modelgw.trust import pattern_parts

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

_ID = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_NAME = RecognizerResult.RECOGNIZER_NAME_KEY


class LeanAnalyzerEngine(AnalyzerEngine):
    """`AnalyzerEngine` whose `analyze_with` finds what `analyze` finds, for a detector's calls:
    given entities and NLP artefacts, a score threshold, no context words, no allow list,
    no ad hoc recognizers, no decision process."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # AnalyzerEngine's keywords, passed on
        self._picked: dict[
            tuple[str, tuple[str, ...], int, int], tuple[list[EntityRecognizer], bool]
        ] = {}

    def _recognizers(
        self, language: str, entities: list[str], part: int = 0, parts: int = 1
    ) -> tuple[list[EntityRecognizer], bool]:
        """The recognizers `analyze` would pick (those of `part` of `parts`), and whether any
        of all it would pick enhances its own findings (overrides
        `EntityRecognizer.enhance_using_context`: it may read the others' findings)."""
        key = (language, tuple(entities), part, parts)
        picked = self._picked.get(key)
        if picked is None:
            chosen = self.registry.get_recognizers(language=language, entities=entities)
            own = any(
                type(r).enhance_using_context is not EntityRecognizer.enhance_using_context
                for r in chosen
            )
            if parts > 1:
                of = pattern_parts.assign((_name(r) for r in chosen), parts)
                chosen = [r for r in chosen if of[_name(r)] == part]
            picked = (chosen, own)
            self._picked[key] = picked
        return picked

    def analyze_with(
        self,
        text: str,
        language: str,
        entities: list[str],
        score_threshold: float,
        nlp_artifacts: NlpArtifacts,
        *,
        part: int = 0,
        parts: int = 1,
    ) -> list[RecognizerResult]:
        """`analyze(text, language, entities, score_threshold=..., nlp_artifacts=...)`'s
        findings, in its order (their decision process left as the recognizers wrote it);
        of `part` of the recognizers only, duplicates left in."""
        if not entities:
            raise ValueError("analyze_with needs the entities to look for")
        recognizers, own_enhancers = self._recognizers(language, entities, part, parts)
        if parts > 1 and own_enhancers:
            raise ValueError(
                "a recognizer enhances its own findings, maybe from the others':"
                " the recognizers cannot run in parts"
            )
        results: list[RecognizerResult] = []
        for recognizer in recognizers:
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True
            found = recognizer.analyze(text=text, entities=entities, nlp_artifacts=nlp_artifacts)
            if found:
                _with_recognizer_id(found, recognizer)
                results.extend(found)
        if own_enhancers:
            results = self._enhance_using_context(text, results, nlp_artifacts, recognizers)
        else:
            results = self.context_aware_enhancer.enhance_using_context(
                text=text,
                raw_results=results,
                nlp_artifacts=nlp_artifacts,
                recognizers=recognizers,
                context=None,
            )
        return [r for r in results if r.score >= score_threshold]


def _name(recognizer: EntityRecognizer) -> str:
    return str(recognizer.name)  # type: ignore[has-type]  # Presidio sets it in __init__ unannotated


def _with_recognizer_id(results: list[RecognizerResult], recognizer: EntityRecognizer) -> None:
    """`AnalyzerEngine.__add_recognizer_id_if_not_exists`: the enhancer finds a finding's
    recognizer by this id."""
    for result in results:
        if not result.recognition_metadata:
            result.recognition_metadata = {}
        if _ID not in result.recognition_metadata:
            result.recognition_metadata[_ID] = recognizer.id
        if _NAME not in result.recognition_metadata:
            result.recognition_metadata[_NAME] = recognizer.name  # type: ignore[has-type]  # Presidio sets it in __init__ unannotated
