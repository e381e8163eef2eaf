"""Per-entity precision, recall and leak rate of stock Presidio and of modelgw on `eval_set.jsonl`.

    make eval-trust     (= python -m bench.trust.eval)

Writes `results/eval.md` and `results/eval.json`. A gold span counts as found
when a prediction of the same type overlaps it (secrets — API_KEY, JWT,
ACCESS_TOKEN, PASSWORD, PRIVATE_KEY — count as one family). It *leaks* when
any of its characters is left outside every prediction, whatever the type:
that part would reach the model in clear. Both run with score threshold
0.4 and the same spaCy model.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from bench.trust.common import MODEL, THRESHOLD, Analyze, Span, machine, ours, stock_presidio

HERE = Path(__file__).parent
SECRETS = {"API_KEY", "JWT", "ACCESS_TOKEN", "PASSWORD", "PRIVATE_KEY"}
STRUCTURED = {
    "EMAIL_ADDRESS",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
    "PHONE_NUMBER",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    *SECRETS,
}


def same_kind(predicted: str, gold: str) -> bool:
    return predicted == gold or (predicted in SECRETS and gold in SECRETS)


def score(samples: list[dict], predictions: list[list[Span]]) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sample, predicted in zip(samples, predictions, strict=True):
        gold = sample["spans"]
        for g in gold:
            c = counts[g["type"]]
            c["gold"] += 1
            c[f"gold_{'plain' if g['variant'] in {'plain', 'caps', 'lower'} else 'obf'}"] += 1
            if any(
                same_kind(p[0], g["type"]) and p[1] < g["end"] and g["start"] < p[2]
                for p in predicted
            ):
                c["found"] += 1
            covered: set[int] = set()
            for _, start, end in predicted:
                covered.update(range(start, end))
            if not set(range(g["start"], g["end"])) <= covered:
                c["leaked"] += 1
                kind = "plain" if g["variant"] in {"plain", "caps", "lower"} else "obf"
                c[f"leaked_{kind}"] += 1
        for p_type, start, end in predicted:
            kind = next((t for t in counts if same_kind(p_type, t)), p_type)
            match = any(
                same_kind(p_type, g["type"]) and start < g["end"] and g["start"] < end for g in gold
            )
            c = counts[p_type if p_type in counts or not match else kind]
            c["predicted"] += 1
            c["true_positive"] += int(match)
    table: dict[str, dict[str, float]] = {}
    for entity_type, c in sorted(counts.items()):
        table[entity_type] = {
            "gold": c["gold"],
            "predicted": c["predicted"],
            "precision": c["true_positive"] / c["predicted"] if c["predicted"] else float("nan"),
            "recall": c["found"] / c["gold"] if c["gold"] else float("nan"),
            "leak_rate": c["leaked"] / c["gold"] if c["gold"] else float("nan"),
            "leaked_plain": c["leaked_plain"],
            "leaked_obfuscated": c["leaked_obf"],
            "gold_obfuscated": c["gold_obf"],
        }
    return table


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.2f}"


def report(results: dict[str, dict], seconds: dict[str, float], n: int, command: str) -> str:
    stock, mine = results["stock"], results["ours"]
    lines = [
        "# Trust layer evaluation: stock Presidio vs modelgw",
        "",
        f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- command: `{command}`",
        f"- machine: {machine()}",
        f"- set: bench/trust/eval_set.jsonl ({n} texts), spaCy model `{MODEL}`, "
        f"threshold {THRESHOLD}",
        f"- time for the whole set: stock {seconds['stock']:.1f} s, ours {seconds['ours']:.1f} s",
        "",
        "Leak = some character of the value left in clear. `plain leaks` counts unobfuscated"
        " specimens (incl. ALL CAPS / lower-case names), `obf leaks` the obfuscated ones.",
        "",
        "| entity | gold | stock P | stock R | stock leak | ours P | ours R | ours leak "
        "| ours plain leaks | ours obf leaks (of) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for entity_type in sorted(t for t in mine if mine[t]["gold"] or stock.get(t, {}).get("gold")):
        s, o = stock.get(entity_type, {}), mine[entity_type]
        lines.append(
            f"| {entity_type} | {o['gold']} | {_fmt(s.get('precision', float('nan')))} "
            f"| {_fmt(s.get('recall', 0.0))} | {_fmt(s.get('leak_rate', 1.0))} "
            f"| {_fmt(o['precision'])} | {_fmt(o['recall'])} | {_fmt(o['leak_rate'])} "
            f"| {o['leaked_plain']} | {o['leaked_obfuscated']} ({o['gold_obfuscated']}) |"
        )
    extra = sorted({t for r in results.values() for t, v in r.items() if not v["gold"]})
    lines += ["", "Predictions of types with no gold spans (false positives by construction):", ""]
    for name, r in results.items():
        fps = ", ".join(f"{t} {r[t]['predicted']}" for t in extra if t in r) or "none"
        lines.append(f"- {name}: {fps}")
    return "\n".join(lines) + "\n"


def main() -> None:
    samples = [json.loads(line) for line in (HERE / "eval_set.jsonl").open(encoding="utf-8")]
    texts = [s["text"] for s in samples]
    results, seconds = {}, {}
    for name, build in (("stock", stock_presidio), ("ours", ours)):
        analyze: Analyze = build()
        started = time.perf_counter()
        predictions = analyze(texts)
        seconds[name] = time.perf_counter() - started
        results[name] = score(samples, predictions)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    command = "make eval-trust"
    (out / "eval.json").write_text(
        json.dumps(
            {"machine": machine(), "command": command, "seconds": seconds, "results": results},
            indent=2,
            default=str,
        )
        + "\n",
        encoding="utf-8",
    )
    text = report(results, seconds, len(samples), command)
    (out / "eval.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
