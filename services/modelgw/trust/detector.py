"""Detection of personal data: Presidio recognizers + spaCy NER + a tenant's own rules.

Built once per process (it loads the spaCy model) and shared; `analyze_many`
is thread-safe and takes a batch of texts so the NER model sees them in one
`pipe` call. Each text is analysed in its normalised form (see `normalise`)
and the spans are mapped back to the original characters. `run_units` is
the CPU-heavy core (see `detection_plan`): what a detector process runs.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from modelgw.common.config.trust import TrustConfig
from modelgw.trust import tenant_rules
from modelgw.trust.context_enhancer import BisectingContextEnhancer
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import (
    AnalysisItem,
    NerUnit,
    PatternUnit,
    RawSpan,
    RulesUnit,
    Unit,
    finish,
    make_plan,
    resolve_overlaps,
)
from modelgw.trust.name_lists import NameLists
from modelgw.trust.ner import NerModel
from modelgw.trust.nlp_artifacts import KeywordVocabulary, LazyNlpArtifacts
from modelgw.trust.offline import use_bundled_suffix_list
from modelgw.trust.place_names import load_place_names
from modelgw.trust.recognizers import builtin_recognizers, own_recognizers
from modelgw.trust.window_memo import NerWindowMemo

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# What we look for unless config narrows it. DATE_TIME, NRP, URL and
# ORGANIZATION are left out: masking them costs answers much of their meaning
# and they rarely identify a person on their own.
DEFAULT_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "ADDRESS",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "US_ITIN",
    "US_PASSPORT",
    "US_DRIVER_LICENSE",
    "US_BANK_NUMBER",
    "IBAN_CODE",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "LOCATION",
    "CRYPTO",
    "MEDICAL_LICENSE",
    "UK_NHS",
    "API_KEY",
    "ACCESS_TOKEN",
    "JWT",
    "PRIVATE_KEY",
    "PASSWORD",
)


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy model package is missing; we never download one."""


class Detector:
    """Presidio AnalyzerEngine (curated recognizers) + our NER, built once from the trust config."""

    def __init__(self, config: TrustConfig) -> None:
        from presidio_analyzer import RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine

        from modelgw.trust.lean_analyzer import LeanAnalyzerEngine

        if importlib.util.find_spec(config.spacy_model) is None:
            raise ModelNotInstalledError(
                f"spaCy model package {config.spacy_model!r} is not installed; install it "
                "with pip (modelgw never downloads models at run time)"
            )
        use_bundled_suffix_list()
        # Presidio logs every recognizer at INFO on each start; it drowns our own lines.
        logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
        self._language = config.language
        self._threshold = config.score_threshold
        self._batch = config.max_batch
        self._scope = config.ner_scope
        self.windows = NerWindowMemo(config.ner_window_memo_entries)
        names = NameLists.load()
        self.ner = NerModel(config.spacy_model, names)
        # Presidio's NLP engine only tokenises here (context words); NER runs in `self.ner`.
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": config.language, "model_name": config.spacy_model}]
        )
        nlp_engine.nlp = {config.language: self.ner.nlp}  # type: ignore[assignment]  # presidio leaves nlp unannotated: None until load()
        self._nlp_engine = nlp_engine
        self._vocabulary = KeywordVocabulary(self.ner.nlp)
        registry = RecognizerRegistry(supported_languages=[config.language])
        for recognizer in [
            *builtin_recognizers(config.language),
            *own_recognizers(names, load_place_names()),
        ]:
            registry.add_recognizer(recognizer)
        self._analyzer = LeanAnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=[config.language],
            context_aware_enhancer=BisectingContextEnhancer(),
        )
        # Asked of the recognizers: what one of them finds (PERSON and LOCATION in lower case
        # and ALL CAPS by the name and place lists). The NER model adds PERSON and LOCATION.
        registered = set(self._analyzer.get_supported_entities(language=config.language))
        supported = registered | {"PERSON", "LOCATION"}
        self.entities: tuple[str, ...] = tuple(e for e in DEFAULT_ENTITIES if e in supported)
        self._pattern_entities = [e for e in self.entities if e in registered]

    def _artifacts(self, text: str) -> NlpArtifacts:
        """Made on first read: only the context enhancer reads them (see `nlp_artifacts`)."""
        return LazyNlpArtifacts(
            text, self.ner.nlp, self._vocabulary, self._language, self._nlp_engine
        )

    def analyze_many(
        self, texts: Sequence[str], rules: tuple[tenant_rules.TenantRule, ...] = ()
    ) -> list[list[Detection]]:
        """Find entities in each text (one NER batch for all); blocking, CPU-bound."""
        return self.analyze_items([(t, rules, "") for t in texts])

    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        """Like `analyze_many`, each text with its own tenant's rules (a batch mixes tenants)."""
        plan = make_plan(items, self._scope)
        return finish(plan, self.windows.run(plan, self.run_units), self._threshold)

    def run_units(self, units: Sequence[Unit]) -> list[list[RawSpan]]:
        """Raw spans for each unit: NER units in one model batch, the others one by one."""
        results: list[list[RawSpan]] = [[] for _ in units]
        ner_at = [i for i, u in enumerate(units) if isinstance(u, NerUnit)]
        found = self.ner.spans([units[i].text for i in ner_at], batch_size=self._batch)
        for index, spans in zip(ner_at, found, strict=True):
            results[index] = [(s.entity_type, s.start, s.end, s.score) for s in spans]
        for index, unit in enumerate(units):
            if isinstance(unit, PatternUnit):
                results[index] = self._patterns(unit)
            elif isinstance(unit, RulesUnit):
                results[index] = tenant_rules.find(unit.rules, unit.text)
        return results

    def _patterns(self, unit: PatternUnit) -> list[RawSpan]:
        """The recognizers' findings, duplicates left in (`detection_plan.pattern_findings`
        removes them once the parts of a text are together)."""
        return [
            (r.entity_type, r.start, r.end, r.score)
            for r in self._analyzer.analyze_with(
                unit.text,
                self._language,
                self._pattern_entities,
                self._threshold,
                self._artifacts(unit.text),
                part=unit.part,
                parts=unit.parts,
            )
        ]


__all__ = ["AnalysisItem", "Detection", "Detector", "ModelNotInstalledError", "resolve_overlaps"]
