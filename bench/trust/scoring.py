"""How a detector's spans are scored against labelled values.

A labelled value is *found* when a prediction of the same kind overlaps it,
and *leaks* when any of its characters is left outside every prediction,
whatever the predicted type: that part would reach the model in clear. A
text *has a leak* when any of its values leaks. Precision is counted twice:
per type (a prediction is right when it overlaps a value of its kind) and
for any personal data (right when it overlaps any labelled value, as a
placeholder over a value hides it whatever it is called).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

Span = tuple[str, int, int]  # entity type, start, end

SECRETS = frozenset({"API_KEY", "JWT", "ACCESS_TOKEN", "PASSWORD", "PRIVATE_KEY"})
PLACES = frozenset({"LOCATION", "ADDRESS"})
"""A city inside an address is labelled ADDRESS; a LOCATION over it finds it all the same."""
PLAIN_VARIANTS = frozenset({"plain", "caps", "lower"})


def same_kind(predicted: str, gold: str) -> bool:
    return (
        predicted == gold
        or (predicted in SECRETS and gold in SECRETS)
        or (predicted in PLACES and gold in PLACES)
    )


@dataclass(slots=True)
class TypeCounts:
    gold: int = 0
    found: int = 0
    leaked: int = 0
    leaked_obfuscated: int = 0
    gold_obfuscated: int = 0
    texts: int = 0
    texts_with_leak: int = 0
    predicted: int = 0
    true_positive: int = 0

    def as_dict(self) -> dict[str, float]:
        def share(a: int, b: int) -> float:
            return a / b if b else float("nan")

        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "precision": share(self.true_positive, self.predicted),
            "recall": share(self.found, self.gold),
            "leak_rate": share(self.leaked, self.gold),
            "texts_with_leak": share(self.texts_with_leak, self.texts),
            "leaked_obfuscated": self.leaked_obfuscated,
            "gold_obfuscated": self.gold_obfuscated,
        }


@dataclass(slots=True)
class Score:
    by_type: dict[str, TypeCounts] = field(default_factory=lambda: defaultdict(TypeCounts))
    values: int = 0
    leaked: int = 0
    texts: int = 0
    texts_with_values: int = 0
    texts_with_leak: int = 0
    predicted: int = 0
    predicted_on_pii: int = 0

    def summary(self) -> dict[str, float]:
        def share(a: int, b: int) -> float:
            return a / b if b else float("nan")

        return {
            "values": self.values,
            "leak_rate": share(self.leaked, self.values),
            "texts": self.texts,
            "texts_with_leak": share(self.texts_with_leak, self.texts_with_values),
            "predicted": self.predicted,
            "precision_any_pii": share(self.predicted_on_pii, self.predicted),
        }


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def leaks(gold: dict, predicted: list[Span]) -> bool:
    covered: set[int] = set()
    for _, start, end in predicted:
        covered.update(range(start, end))
    return not set(range(gold["start"], gold["end"])) <= covered


def score(samples: list[dict], predictions: list[list[Span]]) -> Score:
    result = Score()
    for sample, predicted in zip(samples, predictions, strict=True):
        gold = sample["spans"]
        result.texts += 1
        result.texts_with_values += bool(gold)
        leaked_types: set[str] = set()
        for g in gold:
            c = result.by_type[g["type"]]
            c.gold += 1
            obfuscated = g["variant"] not in PLAIN_VARIANTS
            c.gold_obfuscated += obfuscated
            if any(
                same_kind(t, g["type"]) and _overlaps(s, e, g["start"], g["end"])
                for t, s, e in predicted
            ):
                c.found += 1
            result.values += 1
            if leaks(g, predicted):
                c.leaked += 1
                c.leaked_obfuscated += obfuscated
                result.leaked += 1
                leaked_types.add(g["type"])
        for entity_type in {g["type"] for g in gold}:
            result.by_type[entity_type].texts += 1
            result.by_type[entity_type].texts_with_leak += entity_type in leaked_types
        result.texts_with_leak += bool(leaked_types)
        for p_type, start, end in predicted:
            on = [g for g in gold if _overlaps(start, end, g["start"], g["end"])]
            c = result.by_type[p_type]
            c.predicted += 1
            c.true_positive += any(same_kind(p_type, g["type"]) for g in on)
            result.predicted += 1
            result.predicted_on_pii += bool(on)
    return result
