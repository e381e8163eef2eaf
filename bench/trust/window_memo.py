"""What remembered NER windows save: `TrustEngine.protect` with the window memo on and off.

    python -m bench.trust.window_memo [--rounds 4] [--per-round 60]

Two engines with one detector process each (`--workers`; the embedded defaults run two
since they are forked, one gives the memo's effect without the pattern cut), one with
`trust.ner_window_memo_entries = 0`, take turns on the same texts, the order
swapped every round, so both meet the same load. Two kinds of text:
- `template`: `bench.gateway.prompts.pii_distinct`, a fixed ~1 KB prompt around a
  new name, e-mail and phone number each time (what `make bench-gateway` sends
  with a new person in every request): the whole-text memo never answers, and
  most NER windows repeat;
- `unique`: 1 KB messages of `bench.trust.corpus` (every text new, sentences
  drawn from shared frames), where few windows repeat: what the memo costs
  when it cannot help.

Latency is wall time of sequential `protect` calls (system and user message, as
the gateway sends them); CPU is this process's and its children's CPU time per
call (the detector processes included; their clock ticks are 10 ms, so the mean).
Prints both per kind and the ratios on/off, with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import time

from bench.gateway.prompts import pii_distinct
from bench.trust.corpus import messages
from modelgw.common.config.providers import Locality
from modelgw.common.config.tenants import EntityPolicy
from modelgw.common.config.trust import TrustConfig
from modelgw.trust.engine import TrustEngine

EXTERNAL = frozenset({Locality.EXTERNAL})


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(engine: TrustEngine) -> float:
    """CPU seconds of this process and of the engine's detector processes (still running,
    so not in `os.times()`'s children)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    for pid in engine.detector.worker_pids():  # type: ignore[attr-defined]  # a DetectorPool here
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def _template(index: int) -> list[str]:
    body = json.loads(pii_distinct(index))
    return [m["content"] for m in body["messages"]]


async def _phase(engine: TrustEngine, texts: list[list[str]]) -> tuple[list[float], list[float]]:
    policy = EntityPolicy()
    walls: list[float] = []
    cpus: list[float] = []
    for request in texts:
        cpu, wall = _cpu(engine), time.perf_counter()
        await engine.protect(request, policy, EXTERNAL, tenant="bench")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((_cpu(engine) - cpu) * 1000)
    return walls, cpus


async def main(rounds: int, per_round: int, workers: int) -> None:
    engines = {
        "on": TrustEngine(TrustConfig(workers=workers)),
        "off": TrustEngine(TrustConfig(workers=workers, ner_window_memo_entries=0)),
    }
    unique = messages(11, 1024, rounds * per_round + 10)
    kinds = {
        "template": [_template(i) for i in range(1, rounds * per_round + 11)],
        "unique": [[text] for text in unique],
    }
    for engine in engines.values():  # warm both: word lists, first model calls
        await _phase(engine, [_template(0), [unique[-1]]])
    found: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    loads = []
    for round_ in range(rounds):
        loads.append(os.getloadavg()[0])
        order = list(engines) if round_ % 2 == 0 else list(reversed(engines))
        for kind, sample in kinds.items():
            texts = sample[10 + round_ * per_round : 10 + (round_ + 1) * per_round]
            for side in order:
                walls, cpus = await _phase(engines[side], texts)
                total = found.setdefault((kind, side), ([], []))
                total[0].extend(walls)
                total[1].extend(cpus)
    print(f"load average (1 min) before each round: {', '.join(f'{x:.2f}' for x in loads)}")
    print("| text | memo | protect p50 ms | CPU ms per call (mean) |")
    print("|---|---|---|---|")
    for kind in kinds:
        for side in engines:
            walls, cpus = found[(kind, side)]
            print(
                f"| {kind} | {side} | {statistics.median(walls):.2f} "
                f"| {statistics.mean(cpus):.2f} |"
            )
    for kind in kinds:
        on, off = found[(kind, "on")], found[(kind, "off")]
        print(
            f"{kind}: on/off p50 {statistics.median(on[0]) / statistics.median(off[0]):.2f}x, "
            f"CPU {statistics.mean(on[1]) / statistics.mean(off[1]):.2f}x"
        )
    hits = engines["on"].detector.windows.hits  # type: ignore[attr-defined]  # both backends have one
    print(f"windows remembered: {hits} hits")
    for engine in engines.values():
        engine.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--per-round", type=int, default=60)
    parser.add_argument(
        "--workers", type=int, default=1, help="detector processes per engine (embedded: 2)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.per_round, args.workers))
