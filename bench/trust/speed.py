"""Speed and memory of stock Presidio and modelgw on the same texts, side by side in one run.

    make bench-trust     (= python -m bench.trust.speed)

Each side is its own long-lived process (`speed_sides.py`; its peak RSS is
its own, ours adds its detector processes) fed the same seeded texts:
single messages of ~200 B, 1 KB and 4 KB (every text unique, so
memoisation cannot help), and 10-turn chats replayed turn by turn where
every request resends the whole history. Stock Presidio is called as shipped
(`AnalyzerEngine.analyze`, one text at a time); ours through
`TrustEngine.protect` with the default config: latency from sequential calls
(a lone message is split across the idle detector processes), throughput
from concurrent calls (batched onto the workers), the chats side by side.

The machine is shared with other jobs, so the sides take turns phase by
phase (the order alternating), in ROUNDS rounds: each ratio compares two
measurements taken a few seconds apart, under about the same load, which is
recorded. A target counts as met only if it is met in every round.
Writes `results/speed.md` and `results/speed.json`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.trust.common import MODEL, machine
from bench.trust.speed_sides import SIZES

HERE = Path(__file__).parent
ROUNDS = 2
PHASES = [*SIZES, "chat"]


class Side:
    def __init__(self, name: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.trust.speed_sides", name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE.parent.parent,
        )
        self._read()  # {"ready": true} once the model is loaded

    def _read(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} side exited ({self.process.wait()})")
        return json.loads(line)

    def ask(self, phase: str, round_: int = 0) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"phase": phase, "round": round_}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(60)


def run() -> dict:
    stock, ours = Side("stock"), Side("ours")
    try:
        ours.ask("warm")
        rounds = []
        for round_ in range(1, ROUNDS + 1):
            results: dict[str, dict] = {}
            for index, phase in enumerate(PHASES):
                order = (stock, ours) if (round_ + index) % 2 else (ours, stock)
                results[phase] = {side.name: side.ask(phase, round_) for side in order}
            rounds.append(results)
        return {"rounds": rounds, "stock": stock.ask("facts"), "ours": ours.ask("facts")}
    finally:
        stock.close()
        ours.close()


def _ratio(phase: dict) -> float:
    return phase["ours"]["per_s"] / phase["stock"]["per_s"]


def report(data: dict, command: str) -> str:
    ours = data["ours"]
    lines = [
        "# Trust layer speed: stock Presidio vs modelgw (same texts, same model, one run)",
        "",
        f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- command: `{command}`",
        f"- machine: {machine()}, shared with other jobs (load average below: with 2 cores,"
        " anything above 2 means both sides waited for a core; absolute times suffer most)",
        f"- spaCy model `{MODEL}`; stock = `AnalyzerEngine.analyze` per text, sequential; ours ="
        f" `TrustEngine.protect` ({ours['executor']} detector), latency sequential, throughput"
        " concurrent; sides alternate phase by phase",
        "",
        "| round | workload | load avg | stock p50 (min) ms | ours p50 (min) ms | stock msg/s"
        " | ours msg/s | throughput x |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, results in enumerate(data["rounds"], 1):
        for label in SIZES:
            s, o = results[label]["stock"], results[label]["ours"]
            lines.append(
                f"| {number} | single {label} | {o['load']:.1f} | {s['p50_ms']:.1f} "
                f"({s['min_ms']:.1f}) | {o['p50_ms']:.1f} ({o['min_ms']:.1f}) "
                f"| {s['per_s']:.1f} | {o['per_s']:.1f} | {_ratio(results[label]):.1f} |"
            )
        s, o = results["chat"]["stock"], results["chat"]["ours"]
        lines.append(
            f"| {number} | 10-turn chat replay ({s['requests']} requests) | {o['load']:.1f} "
            f"| n/a | n/a | {s['per_s']:.1f} req/s | {o['per_s']:.1f} req/s "
            f"| {_ratio(results['chat']):.1f} |"
        )
    lines += [
        "",
        f"- peak RSS: stock {data['stock']['rss_mib']:.0f} MiB, ours {ours['rss_mib']:.0f} MiB"
        " (this process + detector processes "
        + " + ".join(f"{r:.0f}" for r in ours["worker_rss_mib"])
        + (
            f" + the zygote they fork from {ours['zygote_rss_mib']:.0f}"
            if ours.get("zygote_rss_mib")
            else ""
        )
        + "; RSS counts the pages they share in each); PSS at the end, each shared page "
        f"counted once: ours {ours.get('pss_mib', 0):.0f} MiB",
        f"- ours: memo hits {ours['memo']['hits']}, misses {ours['memo']['misses']}; "
        f"detection batches {ours['batches']}",
        "",
        "## Targets of issue 3, as measured in this run (met = met in every round)",
        "",
        *targets(data["rounds"]),
    ]
    return "\n".join(lines) + "\n"


def targets(rounds: list[dict]) -> list[str]:
    def line(name: str, values: list[float], ok: list[bool], unit: str) -> str:
        shown = ", ".join(f"{v:.1f}{unit}" for v in values)
        met = "met" if all(ok) else f"NOT met ({sum(ok)} of {len(ok)} rounds)"
        return f"- {name}: {shown}: {met}"

    out = []
    for label in SIZES:
        ratios = [_ratio(r[label]) for r in rounds]
        out.append(line(f">= 5x stock throughput, {label}", ratios, [x >= 5 for x in ratios], "x"))
    chat = [_ratio(r["chat"]) for r in rounds]
    out.append(line(">= 20x stock on the chat replay", chat, [x >= 20 for x in chat], "x"))
    p50 = [r["1KB"]["ours"]["p50_ms"] for r in rounds]
    out.append(line("1 KB p50 < 10 ms", p50, [x < 10 for x in p50], " ms"))
    return out


def main() -> None:
    command = "make bench-trust"
    data = run()
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "speed.json").write_text(
        json.dumps({"machine": machine(), "command": command, **data}, indent=2) + "\n",
        encoding="utf-8",
    )
    text = report(data, command)
    (out / "speed.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
