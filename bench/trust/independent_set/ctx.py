"""What a shape draws from: the part's random stream, its locales and the text's case."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TypeVar

from bench.trust.independent_set.writer import Doc, Persona

T = TypeVar("T")


@dataclass(slots=True)
class Ctx:
    rng: random.Random
    locales: tuple[str, ...]
    fresh: tuple[str, ...]  # locales only this part uses: drawn for two people in five
    case: str = "plain"

    def country(self, with_phrases: bool = False) -> str:
        from bench.trust.independent_set.locales import LOCALES

        pool = self.fresh if self.fresh and self.rng.random() < 0.4 else self.locales
        if with_phrases:
            pool = tuple(c for c in pool if LOCALES[c].phrases) or tuple(
                c for c in self.locales if LOCALES[c].phrases
            )
        return self.rng.choice(pool)

    def person(self, country: str | None = None) -> Persona:
        return Persona(self.rng, country or self.country())

    def people(self, n: int, country: str | None = None) -> list[Persona]:
        return [self.person(country) for _ in range(n)]

    def doc(self) -> Doc:
        return Doc(case=self.case)

    def pick(self, options: list[T] | tuple[T, ...]) -> T:
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p
