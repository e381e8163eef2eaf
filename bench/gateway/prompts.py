"""The chat bodies the benchmark sends: about 1.2 KB, temperature 0, with and without personal data.

Three kinds, each as a function from the request's index to its bytes:
- `plain`: the same business prompt every time, no personal data;
- `pii_repeated`: the same prompt every time, with a name, an e-mail and a
  phone number in it (a gateway that memoises detection sees it once);
- `pii_distinct`: a new name, e-mail and phone in every request, so no
  memo of an earlier detection can answer for it.
"""

from __future__ import annotations

import itertools
import json

from bench.gateway.load import Bodies
from bench.gateway.mock import MODEL

SYSTEM = (
    "You are a careful assistant for a mid-sized logistics company. Answer in plain "
    "English, keep to the facts given, and say so when something is not in the text."
)
CONTEXT = (
    "Context: the northern warehouse shipped 14,200 parcels in October against 12,900 in "
    "September; returns fell from 3.1% to 2.7%. Two of the five forklifts were serviced and "
    "one conveyor belt was replaced after a fault on the night shift. Overtime rose by 6% "
    "because of the seasonal peak, and the temporary staff contract ends in January. The "
    "southern depot reports stable volumes, a new routing tool in trial since the 3rd, and "
    "a pending decision on weekend opening hours. Fuel costs were 4% above plan. "
    "Customer complaints were mostly about delivery windows, not damage. Inventory "
    "accuracy at the last cycle count was 99.2%, and the two open safety actions from the "
    "summer audit were closed. Next month's plan keeps headcount flat and moves one dock "
    "door to outbound only. "
)
QUESTION = "Summarise the month for the operations review in three short sentences."
FIRST = (
    "Maria",
    "Jonas",
    "Aylin",
    "Pieter",
    "Sofia",
    "Tomasz",
    "Claire",
    "Dmitri",
    "Nadia",
    "Owen",
)
LAST = ("Keller", "Berg", "Yilmaz", "de Vries", "Rossi", "Nowak", "Dubois", "Ivanov", "Haddad")


def _body(user: str) -> bytes:
    return json.dumps(
        {
            "model": MODEL,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": user},
            ],
            "temperature": 0,
            "max_tokens": 64,
        }
    ).encode()


def _with_person(index: int) -> str:
    first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
    email = f"{first}.{last.replace(' ', '')}{index}@example.com".lower()
    phone = f"+44 20 {7000 + index // 10_000 % 3000:04d} {index % 10_000:04d}"
    return (
        f"{CONTEXT}The note was written by {first} {last} ({email}, {phone}); "
        f"mention who to contact for questions. {QUESTION}"
    )


PLAIN = _body(CONTEXT + QUESTION)
PII = _body(_with_person(0))


def plain(_: int) -> bytes:
    return PLAIN


def pii_repeated(_: int) -> bytes:
    return PII


_FRESH = itertools.count(1)


def pii_distinct(_: int) -> bytes:
    """A person never sent before in this run (the index restarts each phase; this does not)."""
    return _body(_with_person(next(_FRESH)))


PROMPTS: dict[str, Bodies] = {
    "plain": plain,
    "pii_repeated": pii_repeated,
    "pii_distinct": pii_distinct,
}
