"""What the NER model found in each window it read lately, so a window read again costs nothing.

The NER model reads only windows around capitalised words (`ner.ner_pieces`),
and business traffic repeats most of them: a CRM's prompt template around a new
customer's details, a support desk's boilerplate, a chat that resends earlier
turns next to a new one. The whole-text memo (`memo`) cannot answer for a text
that differs anywhere; this one answers for each of its windows that did not
change, and only the new ones go to a detector process. It is exact: the model
reads each window apart from the others in its batch (see `NerModel.spans`),
so the spans of a window depend on its text alone.

Keyed like the whole-text memo: the tenant and a SHA-256 of the window, never
the text; the value is offsets, types and scores. A tenant never gets an
answer another tenant's text put there, so how fast a window comes back says
nothing about what other tenants sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import NerUnit, Plan, RawSpan, Unit
from modelgw.trust.memo import AnalysisMemo, memo_key

RunUnits = Callable[[Sequence[Unit]], list[list[RawSpan]]]
"""Raw spans for each of the units given (a detector, or the pool of detector processes)."""


class NerWindowMemo:
    """A bounded LRU of NER windows' spans per tenant; thread-safe. Capacity 0 turns it off."""

    def __init__(self, capacity: int) -> None:
        self._memo = AnalysisMemo(capacity)
        self._on = capacity > 0

    @property
    def hits(self) -> int:
        return self._memo.hits

    @property
    def misses(self) -> int:
        return self._memo.misses

    def __len__(self) -> int:
        return len(self._memo)

    def run(self, plan: Plan, run_units: RunUnits) -> list[list[RawSpan]]:
        """Raw spans for every unit of `plan`: remembered windows at once, the rest by
        `run_units` in one call (remembered afterwards)."""
        if not self._on:
            return run_units(plan.units)
        results: list[list[RawSpan] | None] = [None] * len(plan.units)
        keys: dict[int, bytes] = {}
        for index, unit in enumerate(plan.units):
            if isinstance(unit, NerUnit):
                key = keys[index] = memo_key(plan.tenants[index], unit.text)
                known = self._memo.get(key)
                if known is not None:
                    results[index] = [(d.entity_type, d.start, d.end, d.score) for d in known]
        todo = [i for i, found in enumerate(results) if found is None]
        if todo:
            fresh = run_units([plan.units[i] for i in todo])
            for index, spans in zip(todo, fresh, strict=True):
                results[index] = spans
                if index in keys:
                    self._memo.put(keys[index], [Detection(*span) for span in spans])
        return [found if found is not None else [] for found in results]
