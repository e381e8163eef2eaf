"""Detection fairness: one tenant's short messages while another sends ~950 KB ones.

    python -m bench.trust.fairness [--requests 60] [--big-kb 950] [--json]

One process, the engine as `modelgw serve` builds it (detector processes; one
worker by default, as the issue measured, `--workers` for more), a generous
deadline (this measures waiting, not failing). Tenant `small` sends
45-character messages one after another; meanwhile tenant `big` keeps one
large message in detection at all times. Each message is new (no memo).
Reports the small tenant's latency alone and under the load, p50/p95/p99/max.

It only calls `TrustEngine.detect(texts, policy, tenant=...)`, which older
versions have too, so the same script measures a checkout from before the fix
side by side (`make bench-fairness` runs both when `BEFORE=<commit>` is given).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time

from modelgw.common.config.tenants import EntityPolicy
from modelgw.common.config.trust import TrustConfig
from modelgw.trust.engine import TrustEngine

SMALL = "Please call Anna Berg about invoice {n}, today."


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _summary(latencies_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(latencies_ms), 1),
        "p95_ms": round(_percentile(latencies_ms, 0.95), 1),
        "p99_ms": round(_percentile(latencies_ms, 0.99), 1),
        "max_ms": round(max(latencies_ms), 1),
    }


async def _small_requests(
    engine: TrustEngine, policy: EntityPolicy, count: int, first: int
) -> list[float]:
    latencies = []
    for n in range(first, first + count):
        started = time.perf_counter()
        await engine.detect([SMALL.format(n=n)], policy, tenant="small")
        latencies.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.02)
    return latencies


async def run(requests: int, big_kb: int, workers: int) -> dict[str, object]:
    engine = TrustEngine(TrustConfig(deadline_ms=60_000, workers=workers))
    policy = EntityPolicy()
    filler = "the order shipped on time and the customer was happy with it. "
    big_text = filler * (big_kb * 1024 // len(filler))
    try:
        await engine.detect(["warm up, Anna Berg in Oslo"], policy, tenant="warm")
        alone = await _small_requests(engine, policy, requests, 0)
        stop = asyncio.Event()
        big_done = 0

        async def big_tenant() -> None:
            nonlocal big_done
            n = 0
            while not stop.is_set():
                n += 1
                await engine.detect([f"{n} {big_text}"], policy, tenant="big")
                big_done += 1

        load = asyncio.create_task(big_tenant())
        await asyncio.sleep(1.0)  # the first big message is in detection
        loaded = await _small_requests(engine, policy, requests, requests)
        stop.set()
        await load
    finally:
        engine.close()
    return {
        "requests": requests,
        "big_kb": big_kb,
        "workers": workers,
        "alone": _summary(alone),
        "with_big_tenant": _summary(loaded),
        "big_messages_done": big_done,
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--big-kb", type=int, default=950)
    parser.add_argument(
        "--workers", type=int, default=1, help="detector workers (the issue measured one)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON line, for the report")
    args = parser.parse_args()
    result = asyncio.run(run(args.requests, args.big_kb, args.workers))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
