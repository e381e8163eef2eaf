"""A detection: a span of a text found to hold personal data of one type, with its score."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Detection:
    entity_type: str
    start: int
    end: int
    score: float
