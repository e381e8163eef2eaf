"""Detection quality of stock Presidio and of modelgw on five labelled sets, side by side.

    make eval-trust     (= python -m bench.trust.eval)
    python -m bench.trust.eval --misses     (tuning aid: what ours leaks on the dev part)
    python -m bench.trust.eval --misses --independent     (the same on the independent dev part)
    python -m bench.trust.eval --false-positives [--independent]     (dev false positives only)

The sets: `eval_set.jsonl` (this project's own templates, which the
recognizers were written against) and the two parts of the business set
(`business_set/`): `dev`, read while tuning, and `test`, only ever scored;
and the two parts of the independent set (`independent_set/`), written apart
from the detector from other sources and shapes, split the same way.
`--misses` prints leaked values and false positives of the business dev part
only; there is no switch that prints a test part's.

Stock Presidio runs as shipped (`AnalyzerEngine`, default recognizers, the
same spaCy model and threshold); its predictions of types modelgw does not
mask (DATE_TIME, NRP, ORGANIZATION, URL, ...) are set aside, so both are
judged on the same types. Scoring: see `scoring`. Writes `results/eval.md`
and `results/eval.json`.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.trust.business_set.build import DEV, TEST
from bench.trust.common import MODEL, THRESHOLD, Analyze, Span, machine, ours, stock_presidio
from bench.trust.independent_set import build as independent
from bench.trust.scoring import Score, leaks, score
from modelgw.trust.detector import DEFAULT_ENTITIES

HERE = Path(__file__).parent
SETS = {
    "business dev": DEV.path,
    "business test (sealed)": TEST.path,
    "eval_set (own templates)": HERE / "eval_set.jsonl",
    "independent dev": independent.DEV.path,
    "independent test (sealed)": independent.TEST.path,
}
SEALED = frozenset({TEST.path, independent.TEST.path})
"""Parts only ever scored in aggregate: never printed, never used while tuning."""
MASKED_TYPES = frozenset(DEFAULT_ENTITIES)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.2f}"


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{100 * x:.1f}%"


def section(name: str, path: Path, n: int, scores: dict[str, Score], seconds: dict) -> list[str]:
    stock, mine = scores["stock"], scores["ours"]
    s_sum, o_sum = stock.summary(), mine.summary()
    lines = [
        f"## {name}",
        "",
        f"`{path.relative_to(HERE.parent.parent)}`: {n} texts, {o_sum['values']} labelled values;"
        f" time for the set: stock {seconds['stock']:.1f} s, ours {seconds['ours']:.1f} s",
        "",
        "| | stock Presidio | modelgw |",
        "|---|---|---|",
        f"| values leaked | {_pct(s_sum['leak_rate'])} | {_pct(o_sum['leak_rate'])} |",
        f"| texts with a leak | {_pct(s_sum['texts_with_leak'])} "
        f"| {_pct(o_sum['texts_with_leak'])} |",
        f"| precision (any personal data) | {_pct(s_sum['precision_any_pii'])} "
        f"| {_pct(o_sum['precision_any_pii'])} |",
        "",
        "| entity | values | stock leak | stock texts w/ leak | stock P | ours leak "
        "| ours texts w/ leak | ours P | ours R | ours obf leaks (of) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for entity_type in sorted(t for t, c in mine.by_type.items() if c.gold):
        s, o = stock.by_type[entity_type].as_dict(), mine.by_type[entity_type].as_dict()
        lines.append(
            f"| {entity_type} | {o['gold']} | {_pct(s['leak_rate'])} "
            f"| {_pct(s['texts_with_leak'])} | {_fmt(s['precision'])} | {_pct(o['leak_rate'])} "
            f"| {_pct(o['texts_with_leak'])} | {_fmt(o['precision'])} | {_fmt(o['recall'])} "
            f"| {o['leaked_obfuscated']} ({o['gold_obfuscated']}) |"
        )
    extra = {
        side: ", ".join(
            f"{t} {c.predicted}"
            for t, c in sorted(sc.by_type.items())
            if c.predicted and not c.gold
        )
        or "none"
        for side, sc in scores.items()
    }
    lines += [
        "",
        "Predictions of types with no labelled value here (each one a false positive): "
        f"stock: {extra['stock']}; ours: {extra['ours']}.",
        "",
    ]
    return lines


def report(results: dict, seconds: dict, sizes: dict[str, int], command: str) -> str:
    lines = [
        "# Trust layer evaluation: stock Presidio vs modelgw",
        "",
        f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- command: `{command}`",
        f"- machine: {machine()}",
        f"- spaCy model `{MODEL}`, threshold {THRESHOLD}; stock predictions of types modelgw"
        " does not mask are set aside",
        "- leak: some character of the value left in clear; texts with a leak: share of texts"
        " holding values where at least one leaked; precision per type: the prediction"
        " overlaps a value of its kind (LOCATION and ADDRESS count as one kind); any personal"
        " data: it overlaps any labelled value",
        "",
    ]
    for name, path in SETS.items():
        lines += section(name, path, sizes[name], results[name], seconds[name])
    return "\n".join(lines)


def predictions(analyze: Analyze, texts: list[str]) -> tuple[list[list[Span]], float]:
    started = time.perf_counter()
    found = analyze(texts)
    return found, time.perf_counter() - started


def print_misses(path: Path) -> None:
    """Our leaks and false positives on a dev part (never a test part)."""
    _dev_only(path)
    samples = load(path)
    found, _ = predictions(ours(), [s["text"] for s in samples])
    for sample, predicted in zip(samples, found, strict=True):
        text = sample["text"]
        missed = [g for g in sample["spans"] if leaks(g, predicted)]
        wrong = false_positives(sample, predicted)
        if missed or wrong:
            print("-" * 80)
            print(text)
            for g in missed:
                print(f"  LEAK {g['type']} {g['variant']}: {text[g['start'] : g['end']]!r}")
                for t, s, e in predicted:
                    if s < g["end"] and g["start"] < e:
                        print(f"       partly as {t}: {text[s:e]!r}")
            for t, s, e in wrong:
                print(f"  FALSE {t}: {text[s:e]!r}")


def _dev_only(path: Path) -> None:
    """Refuse a sealed part: its items are only ever scored in aggregate."""
    if path in SEALED:
        raise SystemExit(f"{path.name} is a sealed part: it is never listed item by item")


def false_positives(sample: dict, predicted: list[Span]) -> list[Span]:
    """Predictions that overlap no labelled value of any kind (each masks clear text)."""
    return [
        p
        for p in predicted
        if not any(p[1] < g["end"] and g["start"] < p[2] for g in sample["spans"])
    ]


def print_false_positives(path: Path) -> None:
    """One line per false positive on a dev part: type, the masked text, and its context.

    Sorted by type then text, so causes that repeat (a firm read as a place, a heading read
    as a name) sit together; what a reader groups by cause, not by item.
    """
    _dev_only(path)
    samples = load(path)
    found, _ = predictions(ours(), [s["text"] for s in samples])
    rows: list[tuple[str, str, str, str]] = []
    for sample, predicted in zip(samples, found, strict=True):
        text = sample["text"]
        for t, s, e in false_positives(sample, predicted):
            around = text[max(0, s - 40) : s] + "[[" + text[s:e] + "]]" + text[e : e + 40]
            rows.append((t, text[s:e], sample.get("id", "?"), around.replace("\n", " / ")))
    for t, value, item, around in sorted(rows):
        print(f"{t:13} {value!r:32} {item:9} {around}")
    print(f"{len(rows)} false positives in {path.name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="print dev-part misses and stop")
    parser.add_argument(
        "--independent",
        action="store_true",
        help="with --misses or --false-positives: the independent dev part",
    )
    parser.add_argument(
        "--false-positives",
        action="store_true",
        help="print the dev part's false positives (never a sealed part's) and stop",
    )
    parser.add_argument(
        "--tuning", action="store_true", help="score the dev part and eval_set only, ours only"
    )
    args = parser.parse_args()
    if args.false_positives:
        print_false_positives(independent.DEV.path if args.independent else DEV.path)
        return
    if args.misses:
        print_misses(independent.DEV.path if args.independent else DEV.path)
        return
    if args.tuning:
        analyze = ours()
        for name, path in SETS.items():
            if path not in SEALED:
                sample = load(path)
                found, _ = predictions(analyze, [s["text"] for s in sample])
                result = score(sample, found)
                print(name, {k: round(v, 3) for k, v in result.summary().items()})
                for t, c in sorted(result.by_type.items()):
                    d = c.as_dict()
                    print(
                        f"  {t:14} leak {d['leak_rate']:.3f}  P {d['precision']:.3f}"
                        f"  n {d['gold']}  pred {d['predicted']}"
                    )
        return
    samples = {name: load(path) for name, path in SETS.items()}
    results: dict[str, dict[str, Score]] = {name: {} for name in SETS}
    seconds: dict[str, dict[str, float]] = {name: {} for name in SETS}
    for side, build in (("stock", stock_presidio), ("ours", ours)):
        analyze = build()
        for name, sample in samples.items():
            found, took = predictions(analyze, [s["text"] for s in sample])
            if side == "stock":
                found = [[p for p in spans if p[0] in MASKED_TYPES] for spans in found]
            results[name][side] = score(sample, found)
            seconds[name][side] = took
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    command = "make eval-trust"
    dump = {
        name: {
            side: {
                "summary": sc.summary(),
                "by_type": {t: c.as_dict() for t, c in sorted(sc.by_type.items())},
            }
            for side, sc in by_side.items()
        }
        for name, by_side in results.items()
    }
    (out / "eval.json").write_text(
        json.dumps(
            {"machine": machine(), "command": command, "seconds": seconds, "sets": dump},
            indent=2,
            default=str,
        )
        + "\n",
        encoding="utf-8",
    )
    text = report(results, seconds, {n: len(s) for n, s in samples.items()}, command)
    (out / "eval.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
