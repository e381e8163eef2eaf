"""Detection cut into units of CPU work that any detector process can run, and put back together.

The expensive part of detection (the NER model on the windows of a text,
the pattern recognizers on its normalised copy) is split into `Unit`s that
carry only the text to read; a detector answers each with raw spans (type,
offsets into the unit's text, score). Normalising, choosing the NER windows
and mapping spans back to the original characters happen here, in the
process that owns the request. That is what lets a process pool send texts
out and get offsets back, and lets one long message be read by several
processes at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from modelgw.common.config.trust import NerScope
from modelgw.trust import tenant_rules, whole_values
from modelgw.trust.detection import Detection
from modelgw.trust.detection_growth import grown
from modelgw.trust.ner import ner_pieces
from modelgw.trust.ner_input import model_inputs, unlikely_in_lower_case
from modelgw.trust.ner_review import in_a_firm
from modelgw.trust.normalise import NormalisedText, normalise
from modelgw.trust.span_review import not_a_name_or_place, reviewed_type
from modelgw.trust.titles import is_title, titled_type

AnalysisItem = tuple[str, tuple[tenant_rules.TenantRule, ...], str]
"""A text, the tenant rules to apply to it, and the tenant it is read for (the key under
which what the NER model found in its windows is remembered, see `window_memo`)."""

RawSpan = tuple[str, int, int, float]
"""Entity type, start, end (offsets into the unit's text), score."""


@dataclass(frozen=True, slots=True)
class NerUnit:
    """A window of a normalised text for the NER model (ALL CAPS words already title-cased)."""

    text: str


@dataclass(frozen=True, slots=True)
class PatternUnit:
    """A whole normalised text for the pattern recognizers: all of them, or `part` of `parts`
    (`pattern_parts`). Its findings come back with their duplicates; `finish` removes them."""

    text: str
    part: int = 0
    parts: int = 1


@dataclass(frozen=True, slots=True)
class RulesUnit:
    """A whole normalised text for the tenant's own rules (run in a detector process: a
    tenant's regex must not stall the gateway, and a process can be killed at the deadline)."""

    text: str
    rules: tuple[tenant_rules.TenantRule, ...]


Unit = NerUnit | PatternUnit | RulesUnit

# Relative CPU cost per character of a unit's text. NER reads only windows around
# capitalised words, ~25 us a character (~0.8 ms a window); the pattern recognizers read the
# whole text at ~5 us a character (1 KB benchmark texts and bench-gateway's prompts, 2026-12-05).
_COST = {NerUnit: 5.0, PatternUnit: 1.0, RulesUnit: 0.05}

CUT_MARGIN = 1.5
"""`worth_cutting`: how far a pattern unit must exceed an equal share of the batch."""


@dataclass(slots=True)
class _TextPlan:
    norm: NormalisedText
    ner: list[tuple[int, int]] = field(default_factory=list)
    """(unit index, offset of the window in the normalised text)"""
    pattern: int | None = None
    rules: int | None = None


@dataclass(slots=True)
class Plan:
    texts: list[_TextPlan]
    units: list[Unit]
    tenants: list[str]
    """The tenant each unit is read for, one per unit."""


def make_plan(items: Sequence[AnalysisItem], scope: NerScope) -> Plan:
    texts: list[_TextPlan] = []
    units: list[Unit] = []
    tenants: list[str] = []
    for text, rules, tenant in items:
        norm = normalise(text)
        plan = _TextPlan(norm)
        texts.append(plan)
        if not norm.text.strip():
            continue
        pieces = ner_pieces(norm.text, scope)
        for (start, _), piece in zip(pieces, model_inputs(norm.text, pieces), strict=True):
            plan.ner.append((len(units), start))
            units.append(NerUnit(piece))
            tenants.append(tenant)
        plan.pattern = len(units)
        units.append(PatternUnit(norm.text))
        tenants.append(tenant)
        if rules:
            plan.rules = len(units)
            units.append(RulesUnit(norm.text, rules))
            tenants.append(tenant)
    return Plan(texts, units, tenants)


def shard(units: Sequence[Unit], shards: int) -> list[list[int]]:
    """Unit indices split into at most `shards` groups of about equal cost (largest first)."""
    if not units:
        return []
    if shards <= 1 or len(units) == 1:
        return [list(range(len(units)))]
    order = sorted(range(len(units)), key=lambda i: -_cost(units[i]))
    heap = [(0.0, n) for n in range(min(shards, len(units)))]
    groups: list[list[int]] = [[] for _ in heap]
    for index in order:
        load, n = heapq.heappop(heap)
        groups[n].append(index)
        heapq.heappush(heap, (load + _cost(units[index]), n))
    return [sorted(g) for g in groups if g]


def _cost(unit: Unit) -> float:
    share = 1 / unit.parts if isinstance(unit, PatternUnit) else 1.0
    return _COST[type(unit)] * len(unit.text) * share


def worth_cutting(units: Sequence[Unit], workers: int) -> bool:
    """Whether cutting the pattern units (`in_parts`) finishes the batch sooner on `workers`
    processes: only if one costs well over an equal share of the whole batch (a prompt whose
    NER windows were read before). Otherwise `shard` balances the units as they are, and
    cutting only adds the work each part repeats (tokens for the context words, per-call
    overheads): a 1 KB text whose NER windows were all new took 9.7 ms cut, 8.7 ms whole."""
    if workers < 2:
        return False
    share = sum(_cost(u) for u in units) / workers
    return any(isinstance(u, PatternUnit) and _cost(u) > CUT_MARGIN * share for u in units)


def in_parts(units: Sequence[Unit], parts: int) -> tuple[list[Unit], list[int]]:
    """`units` with each whole `PatternUnit` cut into `parts`, and for each unit of the result
    the index of the unit it came from (`joined` puts their findings back together)."""
    out: list[Unit] = []
    origin: list[int] = []
    for index, unit in enumerate(units):
        if isinstance(unit, PatternUnit) and unit.parts == 1 and parts > 1:
            out.extend(PatternUnit(unit.text, part, parts) for part in range(parts))
            origin.extend([index] * parts)
        else:
            out.append(unit)
            origin.append(index)
    return out, origin


def joined(
    results: Sequence[list[RawSpan]], origin: Sequence[int], count: int
) -> list[list[RawSpan]]:
    """The findings of `in_parts`' units, put back together per unit it was given."""
    out: list[list[RawSpan]] = [[] for _ in range(count)]
    for spans, index in zip(results, origin, strict=True):
        out[index].extend(spans)
    return out


def remove_contained(spans: Sequence[RawSpan]) -> list[RawSpan]:
    """Presidio's `EntityRecognizer.remove_duplicates` on raw spans: no zero scores, no
    repeats, no span inside another of its type that scores as high; sorted by score, then
    start, longest first (ties by type, where Presidio's order is that of a set)."""
    ordered = sorted(set(spans), key=lambda s: (s[0], s[1], s[1] - s[2], -s[3]))
    kept: list[RawSpan] = []
    for _, of_type in groupby(ordered, key=lambda s: s[0]):
        active: list[RawSpan] = []
        for span in of_type:
            _, start, end, score = span
            if score == 0:
                continue
            active = [a for a in active if a[2] >= start]
            if any(a[1] <= start and end <= a[2] and score <= a[3] for a in active):
                continue
            kept.append(span)
            active.append(span)
    return sorted(kept, key=lambda s: (-s[3], s[1], s[1] - s[2], s[0]))


def pattern_findings(text: str, spans: Sequence[RawSpan]) -> list[RawSpan]:
    """A pattern unit's findings (all its parts') as one recognizer pass would give them:
    duplicates removed, then values of a shape-only type that are not whole dropped."""
    return [s for s in remove_contained(spans) if whole_values.plausible(s[0], text, s[1], s[2])]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


STRONG_SCORE = 0.6
"""Detections at least this sure compete by length: the longer span wins."""


def resolve_overlaps(detections: list[Detection]) -> list[Detection]:
    """Each character belongs to at most one placeholder; the longest strong detection wins.

    Presidio reports overlapping results (a card-like run inside an IBAN, an
    NHS-valid run inside an international phone number). Keeping the longer
    of two confident detections masks the whole value; keeping the shorter
    would leave the rest of it in clear. Weak detections only fill gaps. A
    detection that sticks out of the winner keeps the part outside it (a name
    the NER model ran into the first line of an address stays masked), as long
    as that part still holds a letter or digit. Two strong addresses that overlap are one
    address, masked as their union (an address label's lines and the street the address
    patterns found under them): cut apart, the town after the cut would be a second value.
    """
    ranked = sorted(
        _addresses_joined(detections),
        key=lambda d: (-(d.score >= STRONG_SCORE), -(d.end - d.start), -d.score, d.start),
    )
    kept: list[Detection] = []
    for candidate in ranked:
        for start, end in _outside(candidate.start, candidate.end, kept):
            kept.append(Detection(candidate.entity_type, start, end, candidate.score))
    return sorted(kept, key=lambda d: d.start)


def _addresses_joined(detections: list[Detection]) -> list[Detection]:
    strong = sorted(
        (d for d in detections if d.entity_type == "ADDRESS" and d.score >= STRONG_SCORE),
        key=lambda d: d.start,
    )
    if len(strong) < 2:
        return detections
    joined: list[Detection] = []
    for d in strong:
        last = joined[-1] if joined else None
        if last is not None and d.start < last.end:
            joined[-1] = Detection(
                "ADDRESS", last.start, max(last.end, d.end), max(last.score, d.score)
            )
        else:
            joined.append(d)
    return [
        d for d in detections if not (d.entity_type == "ADDRESS" and d.score >= STRONG_SCORE)
    ] + joined


def _outside(start: int, end: int, kept: list[Detection]) -> list[tuple[int, int]]:
    """The parts of [start, end) that no kept detection covers (all of it if none touches it)."""
    pieces = [(start, end)]
    for k in kept:
        if k.end <= start or k.start >= end:
            continue
        pieces = [
            part
            for a, b in pieces
            for part in ((a, min(b, k.start)), (max(a, k.end), b))
            if part[1] > part[0]
        ]
    return pieces


def finish(
    plan: Plan, results: Sequence[Sequence[RawSpan]], threshold: float
) -> list[list[Detection]]:
    """Detections per text, in original offsets, overlaps resolved; `results` is per unit."""
    out: list[list[Detection]] = []
    for text in plan.texts:
        raw: list[RawSpan] = []
        if text.pattern is not None:
            raw.extend(pattern_findings(text.norm.text, results[text.pattern]))
        if text.rules is not None:
            raw.extend(results[text.rules])
        for unit, offset in text.ner:
            raw.extend(
                (t, offset + s, offset + e, score)
                for t, s, e, score in results[unit]
                if not unlikely_in_lower_case(t, text.norm.text, offset + s, offset + e)
            )
        found: list[Detection] = []
        for entity_type, start, end, score in raw:
            if score < threshold:
                continue
            o_start, o_end = text.norm.to_original(start, end)
            o_start, o_end = _trim(text.norm.original, o_start, o_end)
            if titled_type(entity_type) and (
                is_title(text.norm.original, o_start, o_end)
                or in_a_firm(text.norm.original, o_start, o_end)
            ):
                continue  # `Eleanor Rigby` in a karaoke list, `Aurora Ltda`, `Anadolu Tekstil
                # A.Ş.`: no person, no place
            if reviewed_type(entity_type) and not_a_name_or_place(
                text.norm.original, o_start, o_end, entity_type
            ):
                continue  # `Tel.`, `Head of`, `Louis Vuitton`, `INV-2023`: see `span_review`
            if o_end > o_start:
                found.append(Detection(entity_type, o_start, o_end, score))
        kept = _pieces_that_hold_a_value(text.norm.original, resolve_overlaps(found))
        out.append(grown(text.norm.original, kept))
    return out


def _pieces_that_hold_a_value(original: str, detections: list[Detection]) -> list[Detection]:
    """Detections (some of them pieces left of one) trimmed, without those of no letter or digit."""
    out: list[Detection] = []
    for d in detections:
        start, end = _trim(original, d.start, d.end)
        if any(c.isalnum() for c in original[start:end]):
            out.append(Detection(d.entity_type, start, end, d.score))
    return out
