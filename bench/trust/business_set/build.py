"""Write `dev.jsonl` and `test.jsonl`: business documents with the span and type of every value.

    python -m bench.trust.business_set.build

Each part has its own seed (and so its own Faker draws); the test part also
uses locales the dev part never shows. Regenerating gives the same files
(a test checks the committed ones against this generator).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from bench.trust.business_set.documents import TEMPLATES, Doc, Piece

HERE = Path(__file__).parent

DEV_LOCALES = (
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "pl_PL",
    "pt_BR",
    "sv_SE",
)
UNSEEN_LOCALES = ("pt_PT", "da_DK", "cs_CZ", "de_AT", "en_CA", "en_AU", "no_NO", "fi_FI")
"""Only the test part draws people from these."""


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    seed: int
    locales: tuple[str, ...]
    documents: int
    obfuscation_rate: float = 0.15
    lower_rate: float = 0.12
    caps_rate: float = 0.08

    @property
    def path(self) -> Path:
        return HERE / f"{self.name}.jsonl"


DEV = Part("dev", seed=1301, locales=DEV_LOCALES, documents=360)
TEST = Part("test", seed=7_340_233, locales=DEV_LOCALES + UNSEEN_LOCALES, documents=360)
PARTS = (DEV, TEST)


def _recase(pieces: list[Piece], case: str) -> list[Piece]:
    if case == "plain":
        return pieces
    change = str.lower if case == "lower" else str.upper
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(change(piece))
        else:
            entity_type, value, variant = piece
            out.append((entity_type, change(value), case if variant == "plain" else variant))
    return out


def render(pieces: list[Piece]) -> dict[str, object]:
    text, spans = "", []
    for piece in pieces:
        if isinstance(piece, str):
            text += piece
            continue
        entity_type, value, variant = piece
        stripped = value.strip()
        if stripped != value:  # Faker ends some values with a space: it is no part of them
            text += value[: len(value) - len(value.lstrip())]
            value = stripped
        spans.append(
            {
                "type": entity_type,
                "start": len(text),
                "end": len(text) + len(value),
                "variant": variant,
            }
        )
        text += value
        text += piece[1][len(piece[1].rstrip()) :]
    return {"text": text, "spans": spans}


def build(part: Part) -> list[dict[str, object]]:
    rng = random.Random(part.seed)
    templates = [t for t, weight in TEMPLATES for _ in range(weight)]
    samples = []
    for _ in range(part.documents):
        doc = Doc(rng, part.locales, part.seed, part.obfuscation_rate)
        pieces = rng.choice(templates)(doc)
        roll = rng.random()
        case = (
            "lower"
            if roll < part.lower_rate
            else "caps"
            if roll < part.lower_rate + part.caps_rate
            else "plain"
        )
        samples.append(render(_recase(pieces, case)))
    return samples


def dumps(samples: list[dict[str, object]]) -> str:
    return "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in samples)


def main() -> None:
    for part in PARTS:
        samples = build(part)
        part.path.write_text(dumps(samples), encoding="utf-8")
        spans = 0
        for sample in samples:
            labelled = sample["spans"]
            assert isinstance(labelled, list)
            spans += len(labelled)
        print(f"wrote {len(samples)} documents, {spans} labelled values to {part.path}")


if __name__ == "__main__":
    main()
