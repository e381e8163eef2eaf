"""How many person names leak, per naming culture, for names from a source nobody tuned on.

    python -m bench.trust.name_probe                  (every locale; writes the results file)
    python -m bench.trust.name_probe --examples 3     (and prints leaked names per locale)

The detector's name lists come from `mimesis`, `names-dataset` and `names`; the evaluation
sets' names are typed by hand. This probe draws given names and surnames from `Faker`'s
locales (Latin-script ones), which neither uses, and places them in short business frames
written here, in their own case, in lower case and in capitals. The held-out frames
(`name_probe_held.py`) are only ever scored, in aggregate. Writes `results/name_probe.md`.
"""

from __future__ import annotations

import argparse
import random
import warnings
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from faker import Faker

from bench.trust.common import machine, ours, publish
from bench.trust.name_probe_held import HELD_FRAMES

RESULTS = Path(__file__).parent / "results" / "name_probe.md"
LOCALES = [
    *("az_AZ", "bs_BA", "cs_CZ", "da_DK", "de_AT", "de_CH", "de_DE", "en_AU", "en_GB"),
    *("en_IE", "en_IN", "en_KE", "en_NG", "en_NZ", "en_PH", "en_PK", "en_US", "es_AR"),
    *("es_CO", "es_ES", "es_MX", "et_EE", "fi_FI", "fil_PH", "fr_BE", "fr_CA", "fr_FR"),
    *("ga_IE", "ha_NG", "hr_HR", "hu_HU", "id_ID", "ig_NG", "is_IS", "it_IT", "lb_LU"),
    *("lt_LT", "lv_LV", "mt_MT", "nl_BE", "nl_NL", "no_NO", "pl_PL", "pt_BR", "pt_PT"),
    *("ro_RO", "sk_SK", "sl_SI", "sq_AL", "sv_SE", "sw", "tr_TR", "tw_GH", "uz_UZ"),
    *("vi_VN", "yo_NG", "zu_ZA"),
]
"""Faker's locales whose names are written in Latin letters."""

FRAMES: tuple[str, ...] = (
    "Customer {name} called about invoice 4471 and wants a refund.",
    "Hi {first},\nthanks for your patience.",
    "Best regards,\n{name}\nCustomer Success",
    "Note: {last} prefers e-mail over phone.",
    "Meeting with {name} moved to Friday.",
    "Dear Mr. {last}, your order has shipped.",
    "The ticket was opened by {name} yesterday.",
    "Can you ask {first} whether the part arrived?",
    "Approved by {name}.",
    "{name} reported the outage at 09:40.",
    "Thanks {first}! I'll pass it on to {last}'s manager.",
    "Owner: {name}\nStatus: open",
    # a second batch, written on 2026-12-06 before its first run: where names stand in tickets,
    # CRM notes, chats and e-mail threads
    "Assigned to {name} (Tier 2).",
    "cc: {name}, Finance",
    "{first} from accounts says the payment bounced.",
    "Per {name}'s request, the contract is on hold.",
    "Spoke to {first} {last} on the phone; she will send the form.",
    "Escalation contact: {last}, {first}",
    "From: {name}\nSubject: delivery delay",
    "Please loop in {first} and {last} from legal.",
    "Handover: {name} takes over the account from Monday.",
    "Thanks, {first}\n\nSent from my phone",
    "The driver, {name}, left the parcel at reception.",
    "On 3 May {name} wrote: the invoice is wrong.",
    "Refund issued to {name} (order 5512).",
    "Customer: {name} | Plan: Pro | Renewal: June",
    "Hi all, {first} here - I'll cover the queue today.",
    "Signed, {name}, Head of Operations",
)


_CASES: dict[str, Callable[[str], str]] = {"plain": str, "lower": str.lower, "caps": str.upper}


def _names(locale: str, rng: random.Random) -> dict[str, str]:
    fake = Faker(locale)
    fake.seed_instance(rng.randrange(2**31))
    first, last = fake.first_name(), fake.last_name()
    return {"name": f"{first} {last}", "first": first, "last": last}


def probes(
    locales: list[str], per_locale: int, seed: int, frames: tuple[str, ...]
) -> list[tuple[str, str, str, list[tuple[int, int]]]]:
    """(locale, case, text, name spans) for each probe."""
    rng = random.Random(seed)
    out = []
    for locale in locales:
        for i in range(per_locale):
            frame, case = frames[i % len(frames)], ("plain", "plain", "lower", "caps")[i % 4]
            change = _CASES[case]
            values = _names(locale, rng)
            text, spans, rest = "", [], frame
            while "{" in rest:
                head, _, tail = rest.partition("{")
                slot, _, rest = tail.partition("}")
                text += change(head)
                value = change(values[slot])
                spans.append((len(text), len(text) + len(value)))
                text += value
            out.append((locale, case, text + change(rest), spans))
    return out


def _leaks(start: int, end: int, found: list[tuple[str, int, int]], text: str) -> bool:
    covered = [any(s <= i < e for _, s, e in found) for i in range(start, end)]
    return any(not c and not text[start + k].isspace() for k, c in enumerate(covered))


def _score(
    sample: list[tuple[str, str, str, list[tuple[int, int]]]],
    found: list[list[tuple[str, int, int]]],
    examples: int,
) -> dict[str, list[int]]:
    """locale -> [names leaked, names, texts with a leak, texts] (and "all")."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    shown: dict[str, int] = defaultdict(int)
    for (locale, case, text, spans), predicted in zip(sample, found, strict=True):
        leaks = [_leaks(s, e, predicted, text) for s, e in spans]
        for key in (locale, "all"):
            c = counts[key]
            c[0], c[1] = c[0] + sum(leaks), c[1] + len(leaks)
            c[2], c[3] = c[2] + any(leaks), c[3] + 1
        for (s, e), leak in zip(spans, leaks, strict=True):
            if leak and shown[locale] < examples:
                shown[locale] += 1
                print(f"{locale:7} {case:5} {text[s:e]!r:32} <- {text!r}")
    return counts


def _row(name: str, c: list[int]) -> str:
    return f"| {name} | {100 * c[0] / c[1]:.1f}% | {100 * c[2] / c[3]:.1f}% |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--per-locale", type=int, default=48)
    parser.add_argument("--locales", nargs="*", default=LOCALES)
    parser.add_argument("--examples", type=int, default=0, help="leaked names to print per locale")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the results file")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", module="faker")
    analyze = ours()
    sample = probes(args.locales, args.per_locale, args.seed, FRAMES)
    counts = _score(sample, analyze([t for _, _, t, _ in sample]), args.examples)
    held = probes(args.locales, args.per_locale, args.seed + 1, HELD_FRAMES)
    held_counts = _score(held, analyze([t for _, _, t, _ in held]), examples=0)
    lines = [
        "# Name probe: person names per naming culture (Faker's name lists)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; `python -m bench.trust.name_probe"
        f" --seed {args.seed} --per-locale {args.per_locale}`; {machine()}",
        "",
        "Share of names with any character left unmasked, and of texts with any such name."
        " The tuning frames' examples may be read while tuning; the held-out frames"
        " (`name_probe_held.py`) are only ever scored, in the last row.",
        "",
        "| locale | names leaked | texts with a leak |",
        "|---|---|---|",
        *(_row(locale, counts[locale]) for locale in args.locales),
        _row("**all** (tuning frames)", counts["all"]),
        _row("**all** (held-out frames)", held_counts["all"]),
    ]
    publish(lines, RESULTS, write=not args.no_write)


if __name__ == "__main__":
    main()
