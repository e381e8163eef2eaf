"""Side by side: the HTTP chat route of this checkout against a git revision's, on the bare path.

    PYTHONPATH=services:. python -m bench.gateway.route_cost [--before main] [--quick]
        [--prompt plain|pii_repeated|pii_distinct]

Not a test: figures for a report (issue 19's "CPU per request" and "added
p50"). Starts the fast mock upstream (`mock.py`, unary answers in 0 ms,
streams unpaced unless `--first-chunk-ms`/`--chunk-gap-ms` say otherwise) and
two `modelgw serve` processes configured as the benchmark's `modelgw` target
(embedded defaults, the mock as the one backend, response cache off): `old`
runs the `services/` of `--before`, unpacked from git, `new` this checkout's.
Then it plays three phases with the plain 1.2 KB prompt (no personal data; or
`--prompt`, one of the benchmark's, e.g. a new person in every request):
sequential unary requests, sequential streams, and a closed loop at
`--concurrency` callers. Each phase runs in rounds in which `direct` (the mock
alone, the baseline of added latency), `old` and `new` take turns, the order
rotated every round, so that the load of a shared machine lands on all alike.
Prints, per phase, CPU ms per request of each process tree (user + system,
from /proc), p50 (sequential) or requests/s (closed loop), and new/old.
Uses the benchmark's raw HTTP client (`load.py`), cheap enough not to be the
limit; `make bench-gateway` is not needed (nor run) for this. Most of a
request's CPU is not the HTTP layer's: `route_layer.py` measures that alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from bench.gateway.__main__ import _run, _warm
from bench.gateway.modelgw import Modelgw
from bench.gateway.phases import Outcome, Phase, Turns, outcome, take_turn
from bench.gateway.proc import load
from bench.gateway.prompts import PROMPTS
from bench.gateway.targets import ROOT, Direct, Target
from tests.ports import free_port


def checkout(revision: str, into: Path) -> Path:
    """`services/` of `revision`, unpacked under `into` (no worktree to clean up)."""
    archive = subprocess.run(
        ["git", "archive", revision, "services"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "services"


class Side(Modelgw):
    """`modelgw serve` as the `modelgw` target, running the code under `services`."""

    def __init__(
        self, name: str, services: Path, version: str, mock_port: int, workdir: Path
    ) -> None:
        self.name = name  # before Target's constructor: it names the work directory
        self.services = services
        super().__init__(mock_port, workdir, workdir, free_port())
        self.version = version

    def install(self) -> None:
        """Nothing to install: the code is `services`, the environment this one."""

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        command, env, cwd = super().launch()
        env["PYTHONPATH"] = os.pathsep.join([str(self.services), str(ROOT)])
        return command, env, cwd


def plan(args: argparse.Namespace) -> list[Phase]:
    n, streams, seconds = (60, 20, 4.0) if args.quick else (400, 100, 12.0)
    return [
        Phase("unary c=1", args.prompt, "sequential", count=n),
        Phase("stream c=1", args.prompt, "stream", count=streams),
        Phase(
            f"unary c={args.concurrency}",
            args.prompt,
            "closed",
            concurrency=args.concurrency,
            seconds=seconds,
        ),
    ]


async def measure(
    targets: list[Target], phases: list[Phase], rounds: int
) -> dict[str, dict[str, Outcome]]:
    await asyncio.gather(*(t.ready() for t in targets))
    for target in targets:
        await _warm(target.endpoint())
    results: dict[str, dict[str, Outcome]] = {}
    for index, phase in enumerate(phases):
        turns = {t.name: Turns() for t in targets}
        for round_ in range(rounds):
            first = (index + round_) % len(targets)
            for target in targets[first:] + targets[:first]:
                await take_turn(
                    phase, rounds, target.endpoint(), target.roots(), turns[target.name]
                )
        results[phase.name] = {t.name: outcome(phase, turns[t.name]) for t in targets}
        print(f"  {phase.name} done", flush=True)
    return results


def _ratio(new: float | None, old: float | None) -> str:
    return f"x{new / old:.2f}" if new is not None and old else "-"


def _ms(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def report(results: dict[str, dict[str, Outcome]]) -> list[str]:
    lines = [
        "| phase | figure | direct (mock) | old | new | new/old |",
        "|---|---|---|---|---|---|",
    ]
    for name, by_target in results.items():
        direct, old, new = by_target["direct"], by_target["old"], by_target["new"]
        errors = (
            f" (errors: old {old.errors}, new {new.errors})" if old.errors or new.errors else ""
        )
        cpu = (old.cpu_ms_per_request, new.cpu_ms_per_request)
        lines.append(
            f"| {name}{errors} | CPU ms/request | - | {_ms(cpu[0])} | {_ms(cpu[1])} "
            f"| {_ratio(cpu[1], cpu[0])} |"
        )
        if old.rps is not None and new.rps is not None:
            lines.append(
                f"| {name} | requests/s | {direct.rps or 0:.0f} | {old.rps:.0f} | {new.rps:.0f} "
                f"| {_ratio(new.rps, old.rps)} |"
            )
            continue
        lines.append(
            f"| {name} | p50 ms | {_ms(direct.p50_ms)} | {_ms(old.p50_ms)} | {_ms(new.p50_ms)} "
            f"| {_ratio(new.p50_ms, old.p50_ms)} |"
        )
        if direct.p50_ms is not None and old.p50_ms is not None and new.p50_ms is not None:
            added_old, added_new = old.p50_ms - direct.p50_ms, new.p50_ms - direct.p50_ms
            lines.append(
                f"| {name} | added p50 ms | - | {added_old:+.2f} | {added_new:+.2f} "
                f"| {_ratio(added_new, added_old)} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="main", help="git revision of `old` (default main)")
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke run)")
    parser.add_argument("--prompt", default="plain", choices=sorted(PROMPTS))
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--first-chunk-ms", type=float, default=0.0)
    parser.add_argument("--chunk-gap-ms", type=float, default=0.0)
    parser.add_argument("--out", type=Path, help="also append the table to this file")
    args = parser.parse_args()
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    load_before = load()
    with tempfile.TemporaryDirectory(prefix="bench-route-cost-") as tmp:
        workdir = Path(tmp)
        mock_port = free_port()
        pacing = ["--first-chunk-ms", str(args.first_chunk_ms)]
        pacing += ["--chunk-gap-ms", str(args.chunk_gap_ms)]
        mock = subprocess.Popen(
            [sys.executable, "-m", "bench.gateway.mock", "--port", str(mock_port), *pacing],
            stdout=(workdir / "mock.log").open("wb"),
            cwd=ROOT,
        )
        direct = Direct(mock_port, workdir, workdir, mock_port)
        direct.process = mock
        old = Side(
            "old", checkout(args.before, workdir / "old-src"), args.before, mock_port, workdir
        )
        new = Side("new", ROOT / "services", f"{head} (this checkout)", mock_port, workdir)
        try:
            for side in (old, new):
                side.start()
            results: dict[str, dict[str, Outcome]] = {}

            async def play() -> None:
                results.update(await measure([direct, old, new], plan(args), args.rounds))

            _run(play())  # on uvloop: the client's own cost stays well below the gateways'
        finally:
            for side in (new, old):
                side.stop()
            mock.terminate()
            mock.wait(10)
    lines = [
        f"### route cost: old `{args.before}` vs new `{head}`",
        "",
        f"`PYTHONPATH=services:. python -m bench.gateway.route_cost "
        f"{shlex.join(sys.argv[1:])}`; {args.rounds} rounds; load average "
        f"{load_before} -> {load()} on {os.cpu_count()} cores; mock answers in "
        f"{args.first_chunk_ms:g} ms (first chunk), {args.chunk_gap_ms:g} ms between chunks",
        "",
        *report(results),
        "",
    ]
    print("\n".join(lines))
    if args.out:
        with args.out.open("a") as out:
            out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
