"""How many disguised identifiers leak, for every identifier kind x disguise (and pair of them).

    python -m bench.trust.identifier_sweep                  (full sweep; writes the results file)
    python -m bench.trust.identifier_sweep --examples 3     (and prints leaked texts per cell)
    python -m bench.trust.identifier_sweep --kinds phone --singles 400 --pairs 0

The values are built from their own rules and disguised systematically (see
`tests/unit/trust/identifier_variants`), so this measures robustness over the
space of disguises, independently of the evaluation sets. A value counts as
leaked when any visible character of it is outside every detection. Writes
`results/identifier_sweep.md`.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.trust.common import machine, ours
from tests.unit.trust.identifier_disguises import SINGLE
from tests.unit.trust.identifier_variants import Variant, leak_table, leaked, variants

RESULTS = Path(__file__).parent / "results" / "identifier_sweep.md"
KINDS = ("card", "iban", "ipv4", "ipv6", "ssn", "email", "phone")
BATCH = 64


def _cell(leaks: int, tried: int) -> str:
    if not tried:
        return "n/a"
    return f"{100 * leaks / tried:.1f}% ({leaks}/{tried})" if leaks else f"0 ({tried})"


def table(
    found: list[tuple[Variant, bool]], kinds: list[str], pairs_only_leaking: bool
) -> list[str]:
    counts = leak_table(found)
    disguises = list(dict.fromkeys(v.disguise for v, _ in found))
    lines = ["| disguise | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for disguise in disguises:
        row = [counts.get((k, disguise), (0, 0)) for k in kinds]
        if pairs_only_leaking and disguise not in SINGLE and not any(leak for leak, _ in row):
            continue
        lines.append(f"| {disguise} | " + " | ".join(_cell(*c) for c in row) + " |")
    total = [
        (
            sum(c[0] for (k, _), c in counts.items() if k == kind),
            sum(c[1] for (k, _), c in counts.items() if k == kind),
        )
        for kind in kinds
    ]
    lines.append("| **all** | " + " | ".join(_cell(*c) for c in total) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--singles", type=int, default=200, help="values per single-disguise cell")
    parser.add_argument("--pairs", type=int, default=30, help="values per pair cell (0: none)")
    parser.add_argument("--kinds", nargs="*", default=list(KINDS))
    parser.add_argument("--examples", type=int, default=0, help="leaked texts to print per cell")
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    args = parser.parse_args()

    chosen = None if args.pairs else [(name,) for name in SINGLE]
    texts = variants(args.seed, args.singles, args.pairs, args.kinds, chosen)
    analyze = ours()
    started = time.perf_counter()
    found: list[tuple[Variant, bool]] = []
    for i in range(0, len(texts), BATCH):
        batch = texts[i : i + BATCH]
        for variant, spans in zip(batch, analyze([v.text for v in batch]), strict=True):
            found.append((variant, leaked(variant, [(s, e) for _, s, e in spans])))
    seconds = time.perf_counter() - started

    full = table(found, args.kinds, pairs_only_leaking=False)
    short = table(found, args.kinds, pairs_only_leaking=True)
    print("\n".join(short))
    print(f"\n{len(found)} texts in {seconds:.0f} s")
    if args.examples:
        shown: dict[tuple[str, str], int] = {}
        for variant, leak in found:
            key = (variant.kind, variant.disguise)
            if leak and shown.get(key, 0) < args.examples:
                shown[key] = shown.get(key, 0) + 1
                form = variant.identifier.form
                print(f"{variant.kind} | {variant.disguise} | {form} | {variant.text!r}")
    if args.no_write:
        return
    leaked_total = sum(leak for _, leak in found)
    report = [
        "# Identifier robustness sweep",
        "",
        f"`python -m bench.trust.identifier_sweep --seed {args.seed} --singles {args.singles} "
        f"--pairs {args.pairs}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}.",
        "",
        "Valid values built from their own rules (Luhn cards of every scheme and length, IBANs"
        " of every registry country, IPv4/IPv6, SSNs, e-mails, every region's example phone"
        " numbers in E164/international/national form with and without extensions), each"
        " disguised and put in a business sentence. A cell is the share of values of which"
        " some visible character was left outside every detection (leaked/tried).",
        f" {leaked_total} of {len(found)} leaked; {seconds:.0f} s.",
        "",
        *full,
        "",
    ]
    RESULTS.write_text("\n".join(report), encoding="utf-8")


if __name__ == "__main__":
    main()
