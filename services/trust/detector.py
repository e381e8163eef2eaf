"""Detection of personal data with Presidio and spaCy.

The analyzer is expensive to build (it loads the spaCy model), so a process
builds one `Detector` and shares it; it is thread-safe for `analyze`.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass

from modelgw.common.config.schema import TrustConfig
from modelgw.trust.offline import use_bundled_suffix_list

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
    "LOCATION",
    "CRYPTO",
    "MEDICAL_LICENSE",
    "UK_NHS",
)


@dataclass(frozen=True, slots=True)
class Detection:
    entity_type: str
    start: int
    end: int
    score: float


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy model package is missing; we never download one."""


def resolve_overlaps(detections: list[Detection]) -> list[Detection]:
    """Keep the strongest of overlapping detections, preferring higher score, then longer span.

    Presidio reports overlapping results (an email is also a URL, a card
    number contains a date-like run); each character must belong to at most
    one placeholder.
    """
    ranked = sorted(detections, key=lambda d: (-d.score, -(d.end - d.start), d.start))
    kept: list[Detection] = []
    for candidate in ranked:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda d: d.start)


class Detector:
    """Presidio AnalyzerEngine built once from the trust config."""

    def __init__(self, config: TrustConfig) -> None:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        if importlib.util.find_spec(config.spacy_model) is None:
            raise ModelNotInstalledError(
                f"spaCy model package {config.spacy_model!r} is not installed; install it "
                "with pip (modelgw never downloads models at run time)"
            )
        use_bundled_suffix_list()
        # Presidio logs every recognizer at INFO on each start; it drowns our own lines.
        logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
        nlp_engine = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": config.language, "model_name": config.spacy_model}],
            }
        ).create_engine()
        self._language = config.language
        self._threshold = config.score_threshold
        self._analyzer = AnalyzerEngine(
            nlp_engine=nlp_engine, supported_languages=[config.language]
        )
        supported = set(self._analyzer.get_supported_entities(language=config.language))
        self.entities: tuple[str, ...] = tuple(e for e in DEFAULT_ENTITIES if e in supported)

    def analyze(self, text: str) -> list[Detection]:
        """Find entities in `text`; blocking, CPU-bound: call from a worker thread."""
        if not text.strip():
            return []
        results = self._analyzer.analyze(
            text=text,
            language=self._language,
            entities=list(self.entities),
            score_threshold=self._threshold,
        )
        return resolve_overlaps(
            [Detection(r.entity_type, r.start, r.end, r.score) for r in results]
        )
