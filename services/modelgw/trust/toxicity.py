"""Toxicity scores for answers, from a model that ships inside a Python package.

The only model that fits our rules (no download at run time, no torch in the
gateway process) is the linear SVM with calibrated probabilities inside
`alt-profanity-check` (scikit-learn, ~1 MB, trained on offensive-language
data). It scores profanity and insults well and subtler harm poorly; the
score is recorded as what it is. Other scorers plug in through
`ToxicityScorer` (for instance an ONNX classifier run in the trust service).
"""

from __future__ import annotations

from typing import Protocol

from modelgw.common.config.trust import ToxicityModel


class ToxicityScorer(Protocol):
    name: str

    def score(self, texts: list[str]) -> list[float]:
        """Probability in [0, 1] that each text is toxic; blocking, call off the event loop."""
        ...


class ProfanityCheckScorer:
    name = "profanity-check"

    def __init__(self) -> None:
        try:
            from profanity_check import predict_prob
        except ImportError as exc:
            raise RuntimeError(
                "toxicity_model = 'profanity-check' needs the `toxicity` extra "
                "(pip install 'modelgw[toxicity]')"
            ) from exc
        self._predict_prob = predict_prob

    def score(self, texts: list[str]) -> list[float]:
        return [float(p) for p in self._predict_prob(texts)]


def build_scorer(model: ToxicityModel) -> ToxicityScorer | None:
    if model is ToxicityModel.PROFANITY_CHECK:
        return ProfanityCheckScorer()
    return None
