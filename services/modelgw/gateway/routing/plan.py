"""A model's route as the ordered list of backends one request will try.

Targets are grouped by priority (lower first; by default each target's
position, so a plain list is a chain of fallbacks). Inside a group, order is
drawn by weight for each request, so weights split traffic while the rest of
the group still serves as fallbacks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import groupby

from modelgw.common.config.providers import Locality
from modelgw.common.config.schema import ModelConfig, RouteTarget
from modelgw.providers.base import Backend


@dataclass(frozen=True, slots=True)
class Candidate:
    """One backend a request may go to, with the attributes routing rules look at."""

    backend: Backend
    upstream_model: str
    region: str | None = None
    zero_retention: bool = False

    @property
    def name(self) -> str:
        return self.backend.name

    @property
    def locality(self) -> Locality:
        return Locality(self.backend.locality)

    @property
    def external(self) -> bool:
        return self.locality is Locality.EXTERNAL


@dataclass(frozen=True, slots=True)
class RoutePlan:
    model: str
    candidates: tuple[Candidate, ...]
    reasons: tuple[str, ...] = field(default=())
    """Why the candidates are what they are (rules applied), for the audit record."""


def order_targets(model: ModelConfig, rng: random.Random) -> list[tuple[RouteTarget, int]]:
    """Targets in the order to try, with their position in the configured route."""
    indexed = [
        (t.priority if t.priority is not None else i, i, t) for i, t in enumerate(model.route)
    ]
    indexed.sort(key=lambda x: (x[0], x[1]))
    ordered: list[tuple[RouteTarget, int]] = []
    for _, group in groupby(indexed, key=lambda x: x[0]):
        members = list(group)
        if len(members) == 1:
            ordered.append((members[0][2], members[0][1]))
            continue
        keyed = [(rng.random() ** (1.0 / t.weight), i, t) for _, i, t in members]
        keyed.sort(key=lambda x: x[0], reverse=True)
        ordered.extend((t, i) for _, i, t in keyed)
    return ordered
