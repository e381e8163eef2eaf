"""How many names, towns and addresses leak, per locale, for locales nobody tuned on.

    python -m bench.trust.locale_probe                   (every locale; writes the results file)
    python -m bench.trust.locale_probe --examples 3      (and prints leaked values per locale)
    python -m bench.trust.locale_probe --locales nl fi --per-locale 200

The evaluation sets' dev parts cover a dozen countries, and the detector was tuned on them;
a locale they lack shows up only in a sealed part, as one aggregate figure. This probe asks
the question per locale, from a source neither the detector nor the sets are built from: the
`mimesis` package's address books (towns, streets, postcodes and their formats for ~45
locales; the detector's places come from GeoNames, the sets' small towns too). Its person
names are *not* independent (the detector's name lists include mimesis's), so the PERSON
column flatters; towns and addresses are the point.

Each value is placed in a short business frame written here (a delivery note, a CRM line, a
form, a signature), in its own case and lower-cased or in capitals. A value leaks when any
of its characters is outside every detection, as in `bench/trust/scoring.py`. Only the
locales are random, seeded; the frames are fixed. Writes `results/locale_probe.md`.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mimesis import Address, Locale, Person

from bench.trust.common import machine, ours, publish
from bench.trust.locale_probe_held import HELD_FRAMES

RESULTS = Path(__file__).parent / "results" / "locale_probe.md"
LATIN = [
    *("cs", "da", "de", "de-at", "de-ch", "en", "en-au", "en-ca", "en-gb", "es", "es-mx"),
    *("et", "fi", "fr", "hr", "hu", "is", "it", "nl", "nl-be", "no", "pl", "pt", "pt-br"),
    *("sk", "sv", "tr"),
]
"""Locales whose names and places mimesis writes in Latin letters (others are left out: the
detector's gazetteer and name lists are Latin-script)."""
KINDS = ("PERSON", "LOCATION", "ADDRESS")

# A frame is text with slots: {name}, {city}, {street}, {postcode}, {line} (street, postcode
# and town on one line) or {block} (the same on two lines). Written for this probe.
FRAMES: tuple[str, ...] = (
    "Please ship the replacement unit to {line} by Friday.",
    "Customer {name} called about invoice 4471; she lives in {city} and wants a refund.",
    "Delivery address:\n{block}\nLeave the parcel with the neighbour if nobody answers.",
    "Note from the field visit: met {name} at the depot in {city}, contract renewal agreed.",
    "Hi team, {name} moved from {city} last month, update the billing address to {line}.",
    "Name: {name}\nStreet: {street}\nPostcode: {postcode}\nTown: {city}",
    "Thanks for your help!\n\n{name}\n{block}",
    "Our technician will visit {street} in {city} between 9 and 12.",
    "Ticket #8812: {name} reports the router at {line} keeps dropping the connection.",
    "Return label printed for {name}, {street}, {postcode} {city}.",
    "The meeting with {name} is moved to our office near {city}.",
    "{name} asked us to send the documents to {street}, {city} instead.",
    # a second batch, written after the held-out frames: other ways a town is mentioned
    "Stock at {city} is low; {name} will reorder on Monday.",
    "The workshop in {city} went well, thanks to {name}.",
    "{name} (sales, {city}) will join the call.",
    "Customer since 2019. Address on file: {line}.",
    "Offices: London, {city} and Madrid.",
    "we still owe {name} for the repair done at {street}.",
    "Can you confirm the {city} depot has the pallet for {name}?",
    "Moved house: new address is {block}",
    "{city}, 12 March - {name} signed the framework agreement.",
    "Regards,\n{name}\nAccount manager, {city}",
    "The courier couldn't find {street} in {city}, please call {name}.",
    "Travel: {name} flies to {city} on Thursday for the audit.",
    # a third batch, written on 2026-12-06 before its first run: support, CRM and forms
    "Hello, this is {name}. My order never arrived at {line}. Can you check?",
    "CRM update - contact: {name}; site: {city}; notes: prefers e-mail.",
    "{name}\n{street}\n{postcode} {city}\nTel. +44 20 7946 0958",
    "Pls invoice {name} at {street}, {city} {postcode}.",
    "Driver notes: {street} is a one-way street, park near the church in {city}.",
    "Escalated: {name} from our {city} location says the refund is still missing.",
    "Shipping to: {name}, {line}",
    "I spoke with {name} this morning; the unit at {street} ({city}) is fixed.",
    "Visit scheduled: {city}, {street}, contact {name}.",
    "Complaint received from {name} ({city}) regarding late delivery.",
    "Update the record: {name} now lives at {street} in {postcode} {city}.",
    "{name} will cover the {city} region while Anna is away.",
    "Bill to: {block}\nAttn: {name}",
    "Our rep in {city}, {name}, closed the deal yesterday.",
    "Customer address changed from {city} to {line}.",
    "Meeting notes ({city}): {name} asked for a quote by Friday.",
)


@dataclass(frozen=True, slots=True)
class Probe:
    locale: str
    text: str
    spans: tuple[tuple[str, int, int], ...]  # kind, start, end


NUMBER_AFTER = frozenset({"da", "et", "is", "nl", "nl-be", "no"})
"""Locales whose mimesis streets put the house number first (`758 Steenbergsvej`) where the
country writes it after the street (`Steenbergsvej 758`): the probe writes them that way."""


def _street(address: Address, locale: str) -> str:
    street = address.address()
    number, _, rest = street.partition(" ")
    if locale in NUMBER_AFTER and number.isdigit() and rest:
        return f"{rest} {number}"
    return street


def _values(locale: str, rng: random.Random) -> dict[str, str]:
    seed = rng.randrange(2**31)
    person, address = Person(Locale(locale), seed=seed), Address(Locale(locale), seed=seed)
    city, street, postcode = address.city(), _street(address, locale), address.postal_code()
    return {
        "name": person.full_name(),
        "city": city,
        "street": street,
        "postcode": postcode,
        "line": f"{street}, {postcode} {city}",
        "block": f"{street}\n{postcode} {city}",
    }


SLOT_KIND = {
    "name": "PERSON",
    "city": "LOCATION",
    "street": "ADDRESS",
    "postcode": "ADDRESS",
    "line": "ADDRESS",
    "block": "ADDRESS",
}


def _fill(frame: str, values: dict[str, str], case: Callable[[str], str]) -> Probe | None:
    """The frame with its slots filled, and where each value landed."""
    text, spans, rest = "", [], frame
    while "{" in rest:
        head, _, tail = rest.partition("{")
        slot, _, rest = tail.partition("}")
        text += case(head)
        value = case(values[slot])
        spans.append((SLOT_KIND[slot], len(text), len(text) + len(value)))
        text += value
    text += case(rest)
    return Probe("", text, tuple(spans))


CASES: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "lower": str.lower,
    "caps": str.upper,
}


def probes(
    locales: list[str], per_locale: int, seed: int, frames: tuple[str, ...] = FRAMES
) -> list[tuple[Probe, str]]:
    rng = random.Random(seed)
    out: list[tuple[Probe, str]] = []
    for locale in locales:
        for i in range(per_locale):
            frame = frames[i % len(frames)]
            case = ("plain", "plain", "lower", "caps")[i % 4]
            filled = _fill(frame, _values(locale, rng), CASES[case])
            if filled is not None:
                out.append((Probe(locale, filled.text, filled.spans), case))
    return out


def _leaks(span: tuple[str, int, int], found: list[tuple[str, int, int]], text: str) -> bool:
    _, start, end = span
    covered = [False] * (end - start)
    for _, s, e in found:
        for i in range(max(s, start), min(e, end)):
            covered[i - start] = True
    return any(not c and not text[start + i].isspace() for i, c in enumerate(covered))


Counts = dict[tuple[str, str], list[int]]  # (locale, kind) -> [leaked, total]
TextCounts = dict[str, list[int]]  # locale -> [texts with a leak, texts]


def _score(
    sample: list[tuple[Probe, str]], found: list[list[tuple[str, int, int]]], examples: int
) -> tuple[Counts, TextCounts]:
    counts: Counts = defaultdict(lambda: [0, 0])
    texts: TextCounts = defaultdict(lambda: [0, 0])
    shown: dict[str, int] = defaultdict(int)
    for (probe, case), predicted in zip(sample, found, strict=True):
        any_leak = False
        for span in probe.spans:
            leak = _leaks(span, predicted, probe.text)
            for key in ((probe.locale, span[0]), ("all", span[0])):
                counts[key][0] += leak
                counts[key][1] += 1
            any_leak |= leak
            if leak and shown[probe.locale] < examples:
                shown[probe.locale] += 1
                value = probe.text[span[1] : span[2]]
                print(f"{probe.locale:6} {case:5} {span[0]:8} {value!r}  <- {probe.text!r}")
        for locale in (probe.locale, "all"):
            texts[locale][0] += any_leak
            texts[locale][1] += 1
    return counts, texts


def _row(name: str, locale: str, counts: Counts, texts: TextCounts) -> str:
    cells = []
    for kind in KINDS:
        leaked, total = counts.get((locale, kind), [0, 0])
        cells.append(f"{100 * leaked / total:.1f}%" if total else "n/a")
    leaked, total = texts[locale]
    return f"| {name} | " + " | ".join(cells) + f" | {100 * leaked / total:.1f}% |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--per-locale", type=int, default=96)
    parser.add_argument("--locales", nargs="*", default=LATIN)
    parser.add_argument("--examples", type=int, default=0, help="leaked values to print per locale")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the results file")
    args = parser.parse_args()
    analyze = ours()
    sample = probes(args.locales, args.per_locale, args.seed)
    started = time.perf_counter()
    counts, texts = _score(sample, analyze([p.text for p, _ in sample]), args.examples)
    took = time.perf_counter() - started
    held = probes(args.locales, args.per_locale, args.seed + 1, HELD_FRAMES)
    held_counts, held_texts = _score(held, analyze([p.text for p, _ in held]), examples=0)
    lines = [
        "# Locale probe: names, towns and addresses per locale (mimesis address books)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; `python -m bench.trust.locale_probe"
        f" --seed {args.seed} --per-locale {args.per_locale}`; {len(sample)} texts in {took:.1f} s;"
        f" {machine()}",
        "",
        "Share of values with any character left unmasked, and of texts with any such value."
        " The tuning frames' examples may be read while tuning; the held-out frames"
        " (`locale_probe_held.py`) are only ever scored, in the last row. PERSON flatters"
        " (see the module).",
        "",
        "| locale | " + " | ".join(KINDS) + " | texts with a leak |",
        "|---" * (len(KINDS) + 2) + "|",
    ]
    for locale in [*args.locales, "all"]:
        name = "**all** (tuning frames)" if locale == "all" else locale
        lines.append(_row(name, locale, counts, texts))
    lines.append(_row("**all** (held-out frames)", "all", held_counts, held_texts))
    publish(lines, RESULTS, write=not args.no_write)


if __name__ == "__main__":
    main()
