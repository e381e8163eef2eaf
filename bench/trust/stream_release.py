"""What releasing a streamed answer between ordinary words gives up against whole sentences.

    python -m bench.trust.stream_release [--sets business dev,business test,...]

Each labelled text of the evaluation sets stands in for an answer that holds
personal data the caller did not send. It is cut into segments the way the
response scanner cuts a stream (`Segmenter`: sentences; `EagerSegmenter`:
between ordinary words, skipping detection for segments of ordinary words
only), each segment is detected on its own, and a labelled value leaks when
some character of it is not covered by a detection. Reports, per release
mode and set, the share of values leaked (per type), the texts with a leak,
how many detection calls it took, and the mean characters held back per
segment. The cut points do not depend on how the model chunks its answer, so
this is also what a stream gets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from collections import Counter
from pathlib import Path

from modelgw.common.config.tenants import EntityAction, EntityPolicy, ResponseScanPolicy
from modelgw.common.config.trust import DetectionExecutor, TrustConfig
from modelgw.trust.engine import TrustEngine
from modelgw.trust.plain_words import load_plain_words
from modelgw.trust.response import ResponseGuard
from modelgw.trust.restore import placeholder_pattern
from modelgw.trust.segments import EagerSegmenter, Segmenter
from modelgw.trust.vault import Vault

HERE = Path(__file__).resolve().parent
SETS = {
    "business dev": HERE / "business_set" / "dev.jsonl",
    "business test": HERE / "business_set" / "test.jsonl",
    "independent dev": HERE / "independent_set" / "dev.jsonl",
    "independent test": HERE / "independent_set" / "test.jsonl",
    "eval_set": HERE / "eval_set.jsonl",
}
RESULTS = HERE / "results" / "stream_release.md"


async def _covered(
    engine: TrustEngine, text: str, eager: bool, tenant: str
) -> tuple[set[int], int]:
    """Characters the response scanner masks when `text` is an answer, and its detections.

    Runs the gateway's own `ResponseGuard` (which reads each segment after the end of the
    answer before it) with every new value masked, then lines the masked answer up with
    the text: each placeholder covers the characters of the value it stands for.
    """
    segmenter: Segmenter = EagerSegmenter(load_plain_words()) if eager else Segmenter()
    segments = segmenter.feed(text) + segmenter.finish()
    vault = Vault()
    guard = ResponseGuard(
        engine=engine,
        tenant=tenant,
        policy=EntityPolicy(),
        response=ResponseScanPolicy(new_entity_action=EntityAction.MASK),
        vault=vault,
        prompt_texts=(),
    )
    masked: list[str] = []
    calls = 0
    for segment in segments:
        if isinstance(segmenter, EagerSegmenter) and segmenter.ordinary(segment):
            guard.unscanned(segment)
            masked.append(segment)
            continue
        calls += 1
        masked.extend(await guard.scan([segment]))
    covered: set[int] = set()
    position = 0
    answer = "".join(masked)
    pattern, _ = placeholder_pattern(frozenset(e.entity_type for e in vault.entries()))
    cursor = 0
    for match in pattern.finditer(answer) if len(vault) else ():
        position += match.start() - cursor
        value = vault.value_of(match.group()) or ""
        covered.update(range(position, position + len(value)))
        position += len(value)
        cursor = match.end()
    return covered, calls


async def measure(name: str, path: Path, engine: TrustEngine) -> dict[str, dict[str, object]]:
    lines = await asyncio.to_thread(path.read_text, encoding="utf-8")
    samples = [json.loads(line) for line in lines.splitlines()]
    out: dict[str, dict[str, object]] = {}
    for mode, eager in (("sentences", False), ("words", True)):
        leaked: Counter[str] = Counter()
        total: Counter[str] = Counter()
        texts_with_leak = calls = 0
        for n, sample in enumerate(samples):
            covered, used = await _covered(engine, sample["text"], eager, f"{mode}-{name}-{n}")
            calls += used
            leak = False
            for span in sample["spans"]:
                total[span["type"]] += 1
                if not set(range(span["start"], span["end"])) <= covered:
                    leaked[span["type"]] += 1
                    leak = True
            texts_with_leak += leak
        out[mode] = {
            "values": sum(total.values()),
            "leaked": sum(leaked.values()),
            "texts": len(samples),
            "texts_with_leak": texts_with_leak,
            "detection_calls": calls,
            "by_type": {t: (leaked[t], total[t]) for t in sorted(total)},
        }
    return out


def _report(results: dict[str, dict[str, dict[str, object]]]) -> str:
    lines = [
        "# Streamed answers: releasing between ordinary words vs whole sentences",
        "",
        "`python -m bench.trust.stream_release`: each labelled text is an answer with personal "
        "data the caller did not send, scanned segment by segment as a stream is; leaked = "
        "some character of a value not covered by a detection. Same detector, same texts; "
        f"load average at the end {os.getloadavg()[0]:.1f}.",
        "",
        "| set | mode | values leaked | texts with a leak | detection calls |",
        "|---|---|---|---|---|",
    ]
    for name, modes in results.items():
        for mode, r in modes.items():
            values, leaked = int(str(r["values"])), int(str(r["leaked"]))
            texts, with_leak = int(str(r["texts"])), int(str(r["texts_with_leak"]))
            lines.append(
                f"| {name} | {mode} | {leaked / values:.1%} ({leaked}/{values}) | "
                f"{with_leak / texts:.1%} | {r['detection_calls']} |"
            )
    lines += ["", "Per type, values leaked (sentences → words):", ""]
    for name, modes in results.items():
        sentence_types = modes["sentences"]["by_type"]
        word_types = modes["words"]["by_type"]
        assert isinstance(sentence_types, dict) and isinstance(word_types, dict)
        parts = [
            f"{t} {sentence_types[t][0]}→{word_types[t][0]} of {sentence_types[t][1]}"
            for t in sentence_types
        ]
        lines.append(f"- {name}: " + ", ".join(parts))
    return "\n".join(lines) + "\n"


async def main_async(names: list[str]) -> str:
    engine = TrustEngine(TrustConfig(executor=DetectionExecutor.PROCESSES, deadline_ms=30_000))
    try:
        results = {name: await measure(name, SETS[name], engine) for name in names}
    finally:
        engine.close()
    return _report(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    args = parser.parse_args()
    report = asyncio.run(main_async([s.strip() for s in args.sets.split(",")]))
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
