"""Disguised identifiers in business sentences, and whether detection masked all of each.

`variants` crosses every identifier kind (`identifier_values`) with every
disguise and every stackable pair of disguises (`identifier_disguises`), and
puts each result in a sentence of the kind's own (written here, for this sweep).
A value is leaked when any of its visible characters is outside every
detection: masking most of a card number still hands the rest to the model.
The unit test reads a small seeded sample; `bench.trust.identifier_sweep` reads
them all.
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tests.unit.trust.identifier_disguises import (
    SINGLE,
    apply,
    break_gaps,
    line_break,
    pairs,
    wrap,
)
from tests.unit.trust.identifier_values import Identifier, all_identifiers

SENTENCES = {
    "card": (
        "Please update my card to {} before Friday.",
        "The deposit was paid with {} last week.",
        "Card number: {}",
        "I would like the refund to go back to {}, thanks.",
        "Hi team, the customer read out {} over the phone.",
    ),
    "iban": (
        "Please wire the refund to IBAN {} by Monday.",
        "Our new account is {}; the old one is closed.",
        "Bank details: {}",
        "Kindly send the balance to {} and confirm once done.",
    ),
    "ipv4": (
        "The login came from {} at 3 am.",
        "Please allow {} through the firewall.",
        "Server address: {}",
        "We saw repeated requests from {}, can you block it?",
    ),
    "ssn": (
        "My social security number is {} if you need it.",
        "SSN: {}",
        "The payroll form lists SSN {} for the new hire.",
        "Please verify social security no. {} before we file.",
    ),
    "email": (
        "Please send the signed contract to {} by Friday.",
        "You can reach our accountant at {} anytime.",
        "Contact: {}",
        "Forward the invoice to {}, she handles billing.",
    ),
    "phone": (
        "You can reach me at {} after 5 pm.",
        "Please call {} to confirm the delivery.",
        "Phone: {}",
        "My new mobile is {}, the old one is gone.",
        "The office line is {} if I am away.",
    ),
}
SENTENCES["ipv6"] = SENTENCES["ipv4"]


@dataclass(frozen=True, slots=True)
class Variant:
    kind: str
    disguise: str
    identifier: Identifier
    text: str
    start: int
    end: int
    """The disguised value is `text[start:end]`."""

    @property
    def value(self) -> str:
        return self.text[self.start : self.end]


def _embed(kind: str, disguise: str, ident: Identifier, value: str, rng: random.Random) -> Variant:
    template = rng.choice(SENTENCES[kind])
    left, right = wrap(value, rng) if "bracketed" in disguise else ("", "")
    head = template[: template.index("{}")] + left
    text = head + value + right + template[template.index("{}") + 2 :]
    return Variant(kind, disguise, ident, text, len(head), len(head) + len(value))


def _cell(
    kind: str,
    names: tuple[str, ...],
    identifiers: Sequence[Identifier],
    rng: random.Random,
    limit: int,
    every_break: bool,
) -> list[Variant]:
    out: list[Variant] = []
    label = " + ".join(names)
    if names in {("line break",), ("line break CRLF",)} and every_break:
        # A break at every possible position of each value.
        crlf = names == ("line break CRLF",)
        for ident in rng.sample(list(identifiers), min(len(identifiers), max(1, limit // 12))):
            for gap in break_gaps(ident.text):
                value = line_break(ident.text, rng, at=gap, crlf=crlf)
                out.append(_embed(kind, label, ident, value, rng))
        return out
    pool = list(identifiers)
    rng.shuffle(pool)
    for ident in pool:
        if len(out) >= limit:
            break
        disguised = apply(names, ident.text, rng)
        if disguised is not None:
            out.append(_embed(kind, label, ident, disguised, rng))
    return out


def variants(
    seed: int = 13,
    singles_per_cell: int = 200,
    pairs_per_cell: int = 30,
    kinds: Iterable[str] | None = None,
    disguises: Iterable[tuple[str, ...]] | None = None,
    every_break: bool = True,
    every_phone: bool = True,
) -> list[Variant]:
    """Disguised values in sentences, up to the given number per (kind, disguise) cell."""
    rng = random.Random(seed)
    identifiers = all_identifiers(seed)
    chosen = [(n,) for n in SINGLE] + list(pairs()) if disguises is None else list(disguises)
    out: list[Variant] = []
    for kind in kinds if kinds is not None else identifiers:
        for names in chosen:
            limit = singles_per_cell if len(names) == 1 else pairs_per_cell
            if names == ("plain",) and kind == "phone" and every_phone:
                limit = len(identifiers[kind])  # every region's every format
            out.extend(_cell(kind, names, identifiers[kind], rng, limit, every_break))
    return out


Span = tuple[int, int]


def leaked(variant: Variant, spans: Iterable[Span]) -> bool:
    """Whether a visible character of the value lies outside every detected span."""
    covered = [False] * len(variant.text)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(covered))):
            covered[i] = True
    return any(
        not covered[i]
        for i in range(variant.start, variant.end)
        if not variant.text[i].isspace()
        and unicodedata.category(variant.text[i]) not in {"Cf", "Mn"}
        and variant.text[i] not in "\u115f\u3164"
    )


def leak_table(found: Sequence[tuple[Variant, bool]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, disguise) -> (values leaked, values tried)."""
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for variant, leak in found:
        cell = table[(variant.kind, variant.disguise)]
        cell[0] += leak
        cell[1] += 1
    return {k: (v[0], v[1]) for k, v in table.items()}
