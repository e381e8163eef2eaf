"""Detection CPU per text of two checkouts, side by side: each in its own process, interleaved.

    python -m bench.trust.cpu_sides /work/wt/base /work/wt/branch [--rounds 4]

For speed work on a shared machine: each checkout's `Detector` is loaded in a
process of its own (run from that checkout), and both read the same benchmark
texts (200 B, 1 KB, 4 KB, `bench.trust.corpus`) size by size, taking turns,
the order swapped every round, so both meet the same load. A text's cost is
`time.process_time` around `Detector.analyze_many([text])` in its process: CPU
time, which a busy machine inflates less than wall time. Prints mean and median
per size and their ratios (second / first), with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SIZES = {200: 300, 1024: 120, 4096: 40}
"""Texts per size and round."""


def worker() -> None:
    """One side: load the detector, then answer each size read from stdin with CPU per text."""
    from bench.trust.corpus import messages
    from modelgw.common.config.trust import TrustConfig
    from modelgw.trust.detector import Detector

    detector = Detector(TrustConfig(ner_window_memo_entries=0))
    texts = {size: messages(3, size, count) for size, count in SIZES.items()}
    for sample in texts.values():
        for text in sample[:5]:
            detector.analyze_many([text])  # warm: first calls load word lists and caches
    print("ready", flush=True)
    for line in sys.stdin:
        seconds = []
        for text in texts[int(line)]:
            started = time.process_time()
            detector.analyze_many([text])
            seconds.append(time.process_time() - started)
        print(json.dumps(seconds), flush=True)


def _side(root: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=f"{root}/services:{root}")
    side = subprocess.Popen(
        [sys.executable, "-m", "bench.trust.cpu_sides", "--worker"],
        cwd=root,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert side.stdout is not None
    if side.stdout.readline().strip() != "ready":
        raise SystemExit(f"{root}: the detector did not load")
    return side


def _ask(side: subprocess.Popen[str], size: int) -> list[float]:
    assert side.stdin is not None and side.stdout is not None
    side.stdin.write(f"{size}\n")
    side.stdin.flush()
    values: list[float] = json.loads(side.stdout.readline())
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("first", nargs="?", type=Path, help="checkout measured first (base)")
    parser.add_argument("second", nargs="?", type=Path, help="checkout compared to it")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if args.first is None or args.second is None:
        parser.error("two checkouts are needed")
    sides = {"first": _side(args.first.resolve()), "second": _side(args.second.resolve())}
    found: dict[tuple[str, int], list[float]] = {(n, s): [] for n in sides for s in SIZES}
    loads = []
    for round_ in range(args.rounds):
        loads.append(os.getloadavg()[0])
        for size in SIZES:
            order = list(sides) if round_ % 2 == 0 else list(sides)[::-1]
            for name in order:
                found[(name, size)] += _ask(sides[name], size)
    for side in sides.values():
        assert side.stdin is not None
        side.stdin.close()
        side.wait()
    print(f"{args.first} vs {args.second}, {args.rounds} rounds")
    print(f"load average (1 min) at each round's start: {min(loads):.2f}-{max(loads):.2f}")
    for size in SIZES:
        a, b = found[("first", size)], found[("second", size)]
        mean_a, mean_b = statistics.mean(a) * 1000, statistics.mean(b) * 1000
        med_a, med_b = statistics.median(a) * 1000, statistics.median(b) * 1000
        print(
            f"{size:>5} B: CPU per text, mean {mean_a:.3f} -> {mean_b:.3f} ms"
            f" (x{mean_b / mean_a:.3f}), median {med_a:.3f} -> {med_b:.3f} ms"
            f" (x{med_b / med_a:.3f}), {len(a)} texts a side"
        )


if __name__ == "__main__":
    main()
