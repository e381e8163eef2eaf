"""How many phone numbers leak beside an address, for every region libphonenumber knows.

    python -m bench.trust.phone_probe                  (writes the results file)
    python -m bench.trust.phone_probe --examples 5 --no-write

Written on 2026-12-06, when a rule that read a postcode alone stopped taking the first
group of the phone number on the next line (`Leeds` / `0113 496 0000`): the address had
been masking part of a number the phone recognizer did not know, so no evaluation set saw the
leak. Each region's example mobile and fixed-line numbers (libphonenumber's own), in
international and national form, are placed in frames where an address stands beside them,
with and without a word for a phone. A number leaks when any of its digits is outside every
detection. Writes `results/phone_probe.md`.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bench.trust.common import machine, ours, publish

RESULTS = Path(__file__).parent / "results" / "phone_probe.md"
FRAMES = (
    "Tel: {p}",
    "Hauptstraße 5, 10115 Berlin\n{p}",
    "12 Main St, Springfield, IL 62701, {p}",
    "call {p} or visit Rue de la Paix 5, Paris",
    "Flat 2, 5 High Street, Leeds\n{p}\nThanks",
    "ship to Calle Mayor 5, 28013 Madrid, phone {p}",
    "Str. Lipscani 5, 030031 Bucuresti tel {p}",
    "Visit scheduled: Oslo, Karl Johans gate 5, contact {p}",
    "lives at Hauptstraße 5 in Berlin {p}",
)
"""`{p}` is the number. Some frames give no word for a phone: only the layout says it is one."""


def samples() -> list[tuple[str, str, int, int]]:
    """(frame, text, start, end) of every number in every frame."""
    out: list[tuple[str, str, int, int]] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for form in (PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL):
                number = phonenumbers.format_number(example, form)
                for frame in FRAMES:
                    text = frame.replace("{p}", number)
                    start = text.index(number)
                    out.append((frame, text, start, start + len(number)))
    return out


def _leaks(text: str, start: int, end: int, found: list[tuple[str, int, int]]) -> bool:
    covered = [False] * (end - start)
    for _, a, b in found:
        for i in range(max(a, start), min(b, end)):
            covered[i - start] = True
    return any(not c and text[start + i].isdigit() for i, c in enumerate(covered))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=0, help="leaked numbers to print")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the results file")
    args = parser.parse_args()
    sample = samples()
    found = ours()([text for _, text, _, _ in sample])
    leaked: Counter[str] = Counter()
    total: Counter[str] = Counter()
    shown = 0
    for (frame, text, start, end), spans in zip(sample, found, strict=True):
        total[frame] += 1
        if _leaks(text, start, end, spans):
            leaked[frame] += 1
            if shown < args.examples:
                shown += 1
                print(repr(text), [(t, text[a:b]) for t, a, b in spans])
    lines = [
        "# Phone probe: every region's numbers beside an address",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; `python -m bench.trust.phone_probe`;"
        f" {len(sample)} numbers; {machine()}",
        "",
        "Share of numbers with any digit left unmasked, per frame (`{p}` is the number).",
        "",
        "| frame | numbers | leaked |",
        "|---|---|---|",
        *(
            f"| `{frame!r}` | {total[frame]} | {100 * leaked[frame] / total[frame]:.1f}% |"
            for frame in FRAMES
        ),
        f"| **all** | {sum(total.values())} | "
        f"{100 * sum(leaked.values()) / sum(total.values()):.1f}% |",
    ]
    publish(lines, RESULTS, write=not args.no_write)


if __name__ == "__main__":
    main()
