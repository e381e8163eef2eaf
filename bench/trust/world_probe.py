"""How many names, towns and addresses leak for countries no source of the detector covers.

    python -m bench.trust.world_probe                     (writes the results file)
    python -m bench.trust.world_probe --examples 3 --no-write

The locale probe asks the question for `mimesis`'s locales; the countries here are ones
mimesis does not write and the evaluation sets' dev parts do not draw from: Ireland, India,
Japan, Romania, Argentina, Nigeria and more, each with its own street order, unit and
district words and postcode shape (`world_books`, typed by hand). A third of the countries
(`world_books.HELD_OUT`) are only ever scored: their values are never printed, so their row
says how far rules fitted to the rest carry to a country nobody read. The frames are the
locale probe's (`locale_probe.FRAMES`).
"""

from __future__ import annotations

import argparse
import random
import string
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.trust import world_books, world_books_second
from bench.trust.common import machine, ours, publish
from bench.trust.locale_probe import CASES, FRAMES, KINDS, Probe, _fill, _row, _score
from bench.trust.world_books import Book

RESULTS = Path(__file__).parent / "results" / "world_probe.md"
BOOKS: dict[str, Book] = {**world_books.BOOKS, **world_books_second.BOOKS}
HELD_OUT: tuple[frozenset[str], ...] = (world_books.HELD_OUT, world_books_second.HELD_OUT)
"""Each batch's held-out countries, scored as one row per batch."""


def _postcode(shape: str, rng: random.Random) -> str:
    out = []
    for c in shape:
        if c == "9":
            out.append(rng.choice(string.digits))
        elif c == "A":
            out.append(rng.choice(string.ascii_uppercase))
        elif c == "X":
            out.append(rng.choice(string.ascii_uppercase + string.digits))
        else:
            out.append(c)
    return "".join(out)


def _values(book: Book, rng: random.Random) -> dict[str, str]:
    given, family = rng.choice(book.given), rng.choice(book.family)
    town, _, region = rng.choice(book.towns).partition("|")
    n = rng.randint(1, 240)
    street = book.street.format(n=n, s=rng.choice(book.streets))
    postcode = _postcode(book.postcode, rng)
    parts = {"street": street, "town": town, "region": region, "postcode": postcode, "n": n}
    return {
        "name": f"{family} {given}" if book.family_first else f"{given} {family}",
        "city": town.split(", ")[-1].removesuffix("-shi"),
        "street": street,
        "postcode": postcode,
        "line": book.line.format(**parts),
        "block": book.block.format(**parts),
    }


def probes(countries: list[str], per_country: int, seed: int) -> list[tuple[Probe, str]]:
    rng = random.Random(seed)
    out: list[tuple[Probe, str]] = []
    for country in countries:
        for i in range(per_country):
            case = ("plain", "plain", "lower", "caps")[i % 4]
            filled = _fill(FRAMES[i % len(FRAMES)], _values(BOOKS[country], rng), CASES[case])
            if filled is not None:
                out.append((Probe(country, filled.text, filled.spans), case))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--per-country", type=int, default=80)
    parser.add_argument(
        "--examples", type=int, default=0, help="leaked values to print per country"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; keep the results file")
    args = parser.parse_args()
    held_out = frozenset().union(*HELD_OUT)
    tuning = [c for c in BOOKS if c not in held_out]
    analyze = ours()
    sample = probes(tuning, args.per_country, args.seed)
    started = time.perf_counter()
    counts, texts = _score(sample, analyze([p.text for p, _ in sample]), args.examples)
    took = time.perf_counter() - started
    held_rows = []
    for batch, countries in enumerate(HELD_OUT, start=1):
        held = [c for c in BOOKS if c in countries]
        held_sample = probes(held, args.per_country, args.seed + 1)
        held_counts, held_texts = _score(
            held_sample, analyze([p.text for p, _ in held_sample]), examples=0
        )
        name = f"**all** (held-out, batch {batch}: {', '.join(held)})"
        held_rows.append(_row(name, "all", held_counts, held_texts))
    lines = [
        "# World probe: names, towns and addresses of countries no source covers",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; `python -m bench.trust.world_probe"
        f" --seed {args.seed} --per-country {args.per_country}`; {len(sample)} tuning texts in"
        f" {took:.1f} s; {machine()}",
        "",
        "Share of values with any character left unmasked, and of texts with any such value."
        " Tuning countries may be read while tuning; the held-out countries of each batch"
        " are only ever scored, in the last rows.",
        "",
        "| country | " + " | ".join(KINDS) + " | texts with a leak |",
        "|---" * (len(KINDS) + 2) + "|",
    ]
    for country in [*tuning, "all"]:
        name = "**all** (tuning countries)" if country == "all" else country
        lines.append(_row(name, country, counts, texts))
    lines += held_rows
    publish(lines, RESULTS, write=not args.no_write)


if __name__ == "__main__":
    main()
