"""Benchmark: modelgw, LiteLLM and Portkey side by side against the same fast mock upstream.

    make bench-gateway                      (full mode, 12-18 minutes on a loaded 2-core VM)
    python -m bench.gateway --quick         (short phases: a smoke run, ~5 minutes)
    python -m bench.gateway --targets modelgw,portkey

Starts the mock (`mock.py`, its own process), installs each gateway into its
own environment under `--cache` (pinned versions, once), starts them all
against the mock, then plays every phase (`phases.py`) against every target,
in rounds (each target a turn per round, the order rotated every round and
phase), with the load average before and after each phase. `direct` is the
mock without a gateway: the baseline for added latency and the proof that the
client is not the limit (its c=32 rate). A target that
cannot be installed or started is reported as such and skipped. Writes
RESULTS.md and results.json next to this file (or under `--out`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path

from bench.gateway.load import Connection, Endpoint
from bench.gateway.modelgw import Modelgw, ModelgwShared
from bench.gateway.others import LiteLLM, LiteLLMPresidio, Portkey
from bench.gateway.phases import Phase, Turns, outcome, phases, rounds, take_turn
from bench.gateway.proc import load, machine
from bench.gateway.prompts import PLAIN, PROMPTS
from bench.gateway.report import Run, markdown
from bench.gateway.targets import Direct, Target, TargetProblem
from tests.ports import free_port

HERE = Path(__file__).resolve().parent
CACHE = Path(tempfile.gettempdir()) / "modelgw-bench-gateway"
WARM_REQUESTS = 40
GATEWAYS: dict[str, type[Target]] = {
    t.name: t for t in (Modelgw, ModelgwShared, LiteLLM, LiteLLMPresidio, Portkey)
}


def _run(work: Coroutine[object, object, None]) -> None:
    """On uvloop when installed: the client's own cost per request is then well below any
    gateway's (see `direct`'s rate in the report)."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(work)
        return
    uvloop.run(work)


def _start_mock(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, "-m", "bench.gateway.mock", "--port", str(port)]
    mock = subprocess.Popen(command, stdout=(workdir / "mock.log").open("wb"), cwd=HERE.parents[1])
    return mock, port


async def _ready_all(targets: list[Target]) -> None:
    async def one(target: Target) -> None:
        started = time.monotonic()
        try:
            await target.ready()
        except TargetProblem as exc:
            target.problem = f"did not start: {exc}"
            return  # stopped with the others at the end
        print(f"  {target.name} ready in {time.monotonic() - started:.1f} s", flush=True)

    await asyncio.gather(*(one(t) for t in targets))


async def _warm(endpoint: Endpoint) -> None:
    """Connections, imports on first use, JIT (Node), the detection models' first calls."""
    connection = Connection(endpoint)
    try:
        for i in range(WARM_REQUESTS):
            await connection.send(PLAIN)
            await connection.send(PROMPTS["pii_repeated"](i))
        await connection.send(PLAIN, stream=True)
    finally:
        await connection.close()


async def _measure(targets: list[Target], plan: list[Phase], run: Run, quick: bool) -> None:
    for target in targets:
        await _warm(target.endpoint())
    count = rounds(quick)
    for index, phase in enumerate(plan):
        before = load()
        started = time.monotonic()
        turns = {t.name: Turns() for t in targets}
        for round_ in range(count):
            turn = (index + round_) % len(targets)
            for target in targets[turn:] + targets[:turn]:
                await take_turn(phase, count, target.endpoint(), target.roots(), turns[target.name])
        for target in targets:
            result = outcome(phase, turns[target.name])
            run.outcomes.setdefault(phase.name, {})[target.name] = result
            print(
                f"  {phase.name:<18} {target.name:<17} "
                f"p50 {result.p50_ms or 0:7.2f} ms  rps {result.rps or 0:7.0f}  "
                f"ttft {result.ttft_p50_ms or 0:6.2f} ms  errors {result.errors}",
                flush=True,
            )
        first = index % len(targets)
        order = [t.name for t in targets[first:] + targets[:first]]
        run.loads.append((phase.name, order, before, load(), time.monotonic() - started))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke run)")
    parser.add_argument(
        "--targets", default=",".join(GATEWAYS), help=f"comma-separated, of {', '.join(GATEWAYS)}"
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="where installs are kept")
    parser.add_argument("--out", type=Path, default=HERE, help="where RESULTS.md goes")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    unknown = set(names) - set(GATEWAYS)
    if unknown:
        raise SystemExit(f"unknown targets: {', '.join(sorted(unknown))}")
    plan = phases(args.quick)
    run = Run(
        when=datetime.now(UTC).isoformat(timespec="seconds"),
        command=shlex.join(["python", "-m", "bench.gateway", *sys.argv[1:]]),
        mode="quick" if args.quick else "full",
        rounds=rounds(args.quick),
        machine=machine(),
        phases=plan,
    )
    wall = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        workdir = Path(tmp)
        mock, mock_port = _start_mock(workdir)
        direct = Direct(mock_port, workdir, args.cache, mock_port)
        direct.process = mock
        targets: list[Target] = [direct]
        targets += [GATEWAYS[n](mock_port, workdir, args.cache, free_port()) for n in names]
        try:
            for target in targets:
                print(f"install {target.name}", flush=True)
                try:
                    target.install()
                    target.start()
                except (TargetProblem, OSError, subprocess.CalledProcessError) as exc:
                    target.problem = f"not installed: {exc}"
                    print(f"  {target.name}: {target.problem}", flush=True)
            print("waiting for the targets to answer", flush=True)
            _run(_ready_all([t for t in targets if not t.problem]))
            running = [t for t in targets if not t.problem]
            _run(_measure(running, plan, run, args.quick))
        finally:
            for target in reversed(targets):
                try:
                    target.stop()
                except (OSError, TargetProblem) as exc:
                    print(f"  {target.name}: cleanup failed: {exc}", flush=True)
            mock.terminate()
            mock.wait(10)
    run.wall_s = time.monotonic() - wall
    run.targets = [t.describe() for t in targets]
    args.out.mkdir(parents=True, exist_ok=True)
    text = markdown(run)
    (args.out / "RESULTS.md").write_text(text)
    (args.out / "results.json").write_text(json.dumps(run.to_json(), indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    main()
