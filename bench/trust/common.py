"""What the trust benchmarks share: the stock Presidio baseline, ours, and machine facts."""

from __future__ import annotations

import os
import platform
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from modelgw.common.config.trust import TrustConfig
from modelgw.trust.offline import use_bundled_suffix_list

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

MODEL = TrustConfig().spacy_model
THRESHOLD = TrustConfig().score_threshold

Span = tuple[str, int, int]  # entity type, start, end
Analyze = Callable[[list[str]], list[list[Span]]]


def stock_analyzer_engine() -> AnalyzerEngine:
    """Presidio's AnalyzerEngine as shipped, default recognizers, on our spaCy model."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    use_bundled_suffix_list()
    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": MODEL}],
        }
    ).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def stock_presidio() -> Analyze:
    """Presidio as shipped: AnalyzerEngine with the same spaCy model, default recognizers."""
    analyzer = stock_analyzer_engine()

    def analyze(texts: list[str]) -> list[list[Span]]:
        return [
            [
                (r.entity_type, r.start, r.end)
                for r in analyzer.analyze(text=t, language="en", score_threshold=THRESHOLD)
            ]
            for t in texts
        ]

    return analyze


def ours() -> Analyze:
    """modelgw's detector (no memo here: the evaluation measures detection itself)."""
    from modelgw.trust.detector import Detector

    detector = Detector(TrustConfig(ner_window_memo_entries=0))

    def analyze(texts: list[str]) -> list[list[Span]]:
        return [
            [(d.entity_type, d.start, d.end) for d in found]
            for found in detector.analyze_many(texts)
        ]

    return analyze


def rss_mib() -> float:
    """Peak resident set size of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mib(pid: int) -> float:
    """Peak resident set size of another live process (Linux `VmHWM`)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> float:
    return os.getloadavg()[0]


def machine() -> str:
    return (
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · Python {sys.version.split()[0]} · {platform.platform()}"
    )


def publish(lines: list[str], path: Path, *, write: bool) -> None:
    """Print a probe's markdown report, and write it to its results file unless told not to
    (`--no-write`: a tuning run that must not replace the committed figures)."""
    report = "\n".join(lines) + "\n"
    print(report)
    if write:
        path.write_text(report, encoding="utf-8")
