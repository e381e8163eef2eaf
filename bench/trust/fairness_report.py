"""`make bench-fairness`: the fairness benchmark on this tree, and on an older commit beside it.

    python -m bench.trust.fairness_report [--before COMMIT] [--requests 60]

The older commit is checked out into a temporary git worktree and measured with
the same script (its `modelgw` first on the path), then this tree; one after the
other, so both see the same machine. Writes bench/trust/results/fairness.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "trust" / "results" / "fairness.md"


def _measure(services: Path, requests: int, workers: int) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": f"{services}{os.pathsep}{ROOT}"}
    command = ["--json", "--requests", str(requests), "--workers", str(workers)]
    done = subprocess.run(
        [sys.executable, "-m", "bench.trust.fairness", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _row(label: str, result: dict[str, object]) -> str:
    alone, loaded = result["alone"], result["with_big_tenant"]
    assert isinstance(alone, dict) and isinstance(loaded, dict)
    return (
        f"| {label} | {alone['p50_ms']} | {alone['p99_ms']} | {loaded['p50_ms']} | "
        f"{loaded['p95_ms']} | {loaded['p99_ms']} | {loaded['max_ms']} | "
        f"{result['big_messages_done']} | {result['load_average']:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a commit to measure beside this tree")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    rows = []
    if args.before:
        with tempfile.TemporaryDirectory() as scratch:
            tree = Path(scratch) / "before"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(tree), args.before],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            try:
                before = _measure(tree / "services", args.requests, args.workers)
                rows.append(_row(f"before ({args.before})", before))
            finally:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
                )
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    now = _measure(ROOT / "services", args.requests, args.workers)
    rows.append(_row(f"this tree ({head})", now))
    report = "\n".join(
        [
            "# Detection fairness: a tenant's short messages beside another's 950 KB ones",
            "",
            f"`make bench-fairness BEFORE=...` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
            f"{platform.machine()}, {os.cpu_count()} CPUs, {args.workers} detector worker(s); "
            f"{args.requests} short requests "
            "per phase; latency of one 45-character message in ms; `load` is the 1-minute "
            "load average at the end (other jobs on the machine).",
            "",
            "| code | alone p50 | alone p99 | beside big p50 | p95 | p99 | max | big done | load |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
