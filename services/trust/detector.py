"""Detection of personal data: Presidio recognizers + spaCy NER + a tenant's own rules.

Built once per process (it loads the spaCy model) and shared; `analyze_many`
is thread-safe and takes a batch of texts so the NER model sees them in one
`pipe` call. Each text is analysed in its normalised form (see `normalise`)
and the spans are mapped back to the original characters.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from modelgw.common.config.trust import TrustConfig
from modelgw.trust import tenant_rules
from modelgw.trust.name_lists import NameLists
from modelgw.trust.ner import NerModel
from modelgw.trust.normalise import normalise
from modelgw.trust.offline import use_bundled_suffix_list
from modelgw.trust.recognizers import builtin_recognizers, own_recognizers

# What we look for unless config narrows it. DATE_TIME, NRP, URL and
# ORGANIZATION are left out: masking them costs answers much of their meaning
# and they rarely identify a person on their own.
DEFAULT_ENTITIES: tuple[str, ...] = (
    "PERSON",
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


@dataclass(frozen=True, slots=True)
class Detection:
    entity_type: str
    start: int
    end: int
    score: float


AnalysisItem = tuple[str, tuple[tenant_rules.TenantRule, ...]]
"""A text and the tenant rules to apply to it."""


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy model package is missing; we never download one."""


STRONG_SCORE = 0.6
"""Detections at least this sure compete by length: the longer span wins."""


def resolve_overlaps(detections: list[Detection]) -> list[Detection]:
    """Each character belongs to at most one placeholder; the longest strong detection wins.

    Presidio reports overlapping results (a card-like run inside an IBAN, an
    NHS-valid run inside an international phone number). Keeping the longer
    of two confident detections masks the whole value; keeping the shorter
    would leave the rest of it in clear. Weak detections only fill gaps.
    """
    ranked = sorted(
        detections,
        key=lambda d: (-(d.score >= STRONG_SCORE), -(d.end - d.start), -d.score, d.start),
    )
    kept: list[Detection] = []
    for candidate in ranked:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda d: d.start)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class Detector:
    """Presidio AnalyzerEngine (curated recognizers) + our NER, built once from the trust config."""

    def __init__(self, config: TrustConfig) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine

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
        self.ner = NerModel(config.spacy_model, config.ner_scope)
        # Presidio's NLP engine only tokenises here (context words); NER runs in `self.ner`.
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": config.language, "model_name": config.spacy_model}]
        )
        nlp_engine.nlp = {config.language: self.ner.nlp}
        self._nlp_engine = nlp_engine
        registry = RecognizerRegistry(supported_languages=[config.language])
        for recognizer in [
            *builtin_recognizers(config.language),
            *own_recognizers(NameLists.load()),
        ]:
            registry.add_recognizer(recognizer)
        self._analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=[config.language]
        )
        supported = set(self._analyzer.get_supported_entities(language=config.language))
        supported |= {"PERSON", "LOCATION"}
        self.entities: tuple[str, ...] = tuple(e for e in DEFAULT_ENTITIES if e in supported)
        self._pattern_entities = [e for e in self.entities if e not in {"LOCATION"}]

    def _artifacts(self, text: str):  # type: ignore[no-untyped-def]
        from presidio_analyzer.nlp_engine import NlpArtifacts

        doc = self.ner.nlp.make_doc(text)
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[t.idx for t in doc],
            lemmas=[t.lower_ for t in doc],
            nlp_engine=self._nlp_engine,
            language=self._language,
        )

    def analyze(self, text: str) -> list[Detection]:
        """Find entities in one text; blocking, CPU-bound: call from a worker thread."""
        return self.analyze_many([text])[0]

    def analyze_many(
        self, texts: Sequence[str], rules: tuple[tenant_rules.TenantRule, ...] = ()
    ) -> list[list[Detection]]:
        """Find entities in each text (one NER batch for all); blocking, CPU-bound."""
        return self.analyze_items([(t, rules) for t in texts])

    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        """Like `analyze_many`, each text with its own tenant's rules (a batch mixes tenants)."""
        normalised = [normalise(text) for text, _ in items]
        ner_found = self.ner.find([n.text for n in normalised], batch_size=self._batch)
        results: list[list[Detection]] = []
        for norm, ner_spans, (_, rules) in zip(normalised, ner_found, items, strict=True):
            if not norm.text.strip():
                results.append([])
                continue
            raw = [
                (r.entity_type, r.start, r.end, r.score)
                for r in self._analyzer.analyze(
                    text=norm.text,
                    language=self._language,
                    entities=self._pattern_entities,
                    score_threshold=self._threshold,
                    nlp_artifacts=self._artifacts(norm.text),
                )
            ]
            raw.extend((s.entity_type, s.start, s.end, s.score) for s in ner_spans)
            raw.extend(tenant_rules.find(rules, norm.text))
            found: list[Detection] = []
            for entity_type, start, end, score in raw:
                if score < self._threshold:
                    continue
                o_start, o_end = norm.to_original(start, end)
                o_start, o_end = _trim(norm.original, o_start, o_end)
                if o_end > o_start:
                    found.append(Detection(entity_type, o_start, o_end, score))
            results.append(resolve_overlaps(found))
        return results
