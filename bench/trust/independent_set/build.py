"""Write the two parts of the independent set: `dev` (may be read) and `test` (sealed).

    python -m bench.trust.independent_set.build

Both parts come from this code with different seeds. The test part adds
locales the dev part never draws from (`TEST_ONLY_LOCALES`) and shapes the dev
part never writes (`SEALED`, the sealed adversarial and negative shapes): over a
third of its shapes and texts are phrasing nobody tuned on. Only aggregate
figures of the test part are ever reported (`make eval-trust`).

A text is one JSON line: `text`, `spans` (start, end, type, variant), and
`id`, `part`, `shape`, `group` (business, adversarial, negative) and `case`
for aggregate breakdowns. Before writing, `check` proves every span covers
exactly the value written there and that plain identifiers pass their checks.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.trust.independent_set import adversarial, negatives
from bench.trust.independent_set.ctx import Ctx
from bench.trust.independent_set.identifiers import iban_valid, luhn_valid
from bench.trust.independent_set.locales import DEV_LOCALES, TEST_ONLY_LOCALES
from bench.trust.independent_set.shapes_sealed import SEALED
from bench.trust.independent_set.shapes_shared import SHARED
from bench.trust.independent_set.writer import CARD, IBAN, SSN, Doc

HERE = Path(__file__).parent
Shape = Callable[[Ctx], Doc]

ADVERSARIAL: dict[str, Shape] = {
    "adv_message": adversarial.adv_message,
    "adv_form": adversarial.adv_form,
    "adv_json_ascii": adversarial.adv_json_ascii,
}
ADVERSARIAL_SEALED: dict[str, Shape] = {
    "adv_message_sealed": lambda c: adversarial.adv_message(c, sealed=True),
    "adv_forum_post": adversarial.adv_forum_post,
    "adv_ocr": adversarial.adv_ocr,
}
NEGATIVE: dict[str, Shape] = {
    "neg_media_list": negatives.media_list,
    "neg_number_lookalikes": negatives.number_lookalikes,
    "neg_brands": negatives.brands,
    "neg_street_like": negatives.street_like,
    "neg_ordinary_words": negatives.ordinary_words,
}
NEGATIVE_SEALED: dict[str, Shape] = {
    "neg_release_notes": negatives.release_notes,
    "neg_menu": negatives.menu,
}


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    seed: int
    locales: tuple[str, ...]
    fresh: tuple[str, ...]  # locales only this part draws from
    plan: tuple[tuple[str, str, Shape, int], ...]  # (group, shape name, shape, texts)

    @property
    def path(self) -> Path:
        return HERE / f"{self.name}.jsonl"

    @property
    def shapes(self) -> frozenset[str]:
        return frozenset(name for _, name, _, _ in self.plan)

    @property
    def locale_set(self) -> frozenset[str]:
        return frozenset(self.locales + self.fresh)


def _plan(
    group: str, shapes: dict[str, Shape], n: int, **counts: int
) -> tuple[tuple[str, str, Shape, int], ...]:
    """`n` texts of each shape, or the count given by the shape's name."""
    return tuple((group, name, shape, counts.get(name, n)) for name, shape in shapes.items())


DEV = Part(
    name="dev",
    seed=4_271,
    locales=DEV_LOCALES,
    fresh=(),
    plan=(
        *_plan("business", SHARED, 13, short_request=50),
        *_plan("adversarial", ADVERSARIAL, 0, adv_message=25, adv_form=20, adv_json_ascii=15),
        *_plan("negative", NEGATIVE, 10),
    ),
)
TEST = Part(
    name="test",
    seed=918_557_203,
    locales=DEV_LOCALES,
    fresh=TEST_ONLY_LOCALES,
    plan=(
        *_plan("business", SHARED, 8, short_request=30),
        *_plan("business", SEALED, 10, sms_thread=20),
        *_plan("adversarial", ADVERSARIAL, 4),
        *_plan("adversarial", ADVERSARIAL_SEALED, 16),
        *_plan("negative", NEGATIVE, 7),
        *_plan("negative", NEGATIVE_SEALED, 8),
    ),
)
PARTS = (DEV, TEST)


def _case(rng: random.Random, group: str) -> str:
    roll = rng.random()
    if group == "business":
        return "lower" if roll < 0.15 else "caps" if roll < 0.3 else "plain"
    if group == "negative":
        return "lower" if roll < 0.1 else "caps" if roll < 0.2 else "plain"
    return "plain"


def build(part: Part) -> list[dict]:
    order = [(g, name, shape) for g, name, shape, n in part.plan for _ in range(n)]
    random.Random(part.seed).shuffle(order)
    samples = []
    for i, (group, name, shape) in enumerate(order):
        rng = random.Random(f"{part.seed}:{i}")
        ctx = Ctx(rng=rng, locales=part.locales, fresh=part.fresh, case=_case(rng, group))
        doc = shape(ctx)
        check(doc, f"{part.name}-{i:04d}")
        samples.append(
            {
                "id": f"{part.name}-{i:04d}",
                "part": part.name,
                "shape": name,
                "group": group,
                "case": ctx.case,
                "text": doc.rendered,
                "spans": doc.spans,
            }
        )
    return samples


_SSN = re.compile(r"^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$")


def check(doc: Doc, where: str) -> None:
    """Every span is exactly its value, none overlap, and plain identifiers are valid."""
    text, last_end = doc.rendered, -1
    for span, value in zip(doc.spans, doc.values, strict=True):
        covered = text[span["start"] : span["end"]]
        assert covered == value and value, (where, span, value)
        assert value == value.strip(), (where, "span starts or ends with white space", value)
        assert span["start"] >= last_end, (where, "overlapping spans", span)
        last_end = span["end"]
        if span["variant"] not in ("plain", "caps", "lower"):
            continue
        if span["type"] == CARD:
            assert luhn_valid(re.sub(r"\D", "", value)), (where, value)
        elif span["type"] == IBAN:
            assert iban_valid(value), (where, value)
        elif span["type"] == SSN:
            m = _SSN.match(value)
            assert m and m[1] not in ("000", "666") and m[1] < "900", (where, value)
            assert m[2] != "00" and m[3] != "0000", (where, value)


def dumps(samples: list[dict]) -> str:
    return "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in samples)


def main() -> None:
    for part in PARTS:
        samples = build(part)
        part.path.write_text(dumps(samples), encoding="utf-8")
        values = sum(len(s["spans"]) for s in samples)
        print(f"{part.path.name}: {len(samples)} texts, {values} labelled values")


if __name__ == "__main__":
    main()
