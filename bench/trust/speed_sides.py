"""The two sides of the speed benchmark, each a long-lived process that runs one phase on demand.

`python -m bench.trust.speed_sides stock|ours` loads its side once, then reads
one JSON command per line ({"phase": ..., "round": ...}) and answers one JSON
line. The coordinator (`speed.py`) alternates the sides phase by phase, so
both are measured under the same load of a shared machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

from bench.gateway.proc import pss_of
from bench.trust.common import load_average, peak_rss_mib, rss_mib, stock_presidio
from bench.trust.corpus import chat, messages

SIZES = {"200B": (200, 120), "1KB": (1024, 60), "4KB": (4096, 20)}
CHATS = 6
WARM_UP = "warm up John Smith in Boston, john@example.com"


def _latencies(values: list[float], count: int, seconds: float) -> dict[str, object]:
    ordered = sorted(values)
    return {
        "p50_ms": statistics.median(values),
        "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
        "min_ms": ordered[0],
        "per_s": count / seconds,
    }


class StockSide:
    """Presidio as shipped: `AnalyzerEngine.analyze`, one text at a time, every message sent."""

    def __init__(self) -> None:
        self.analyze = stock_presidio()
        self.analyze([WARM_UP])

    async def phase(self, name: str, round_: int) -> dict[str, object]:
        if name == "chat":
            started = time.perf_counter()
            requests = 0
            for seed in range(CHATS):
                turns = chat(100 + seed)
                for n in range(1, len(turns) + 1):
                    self.analyze(turns[:n])  # a stock integration analyses all it is sent
                    requests += 1
            seconds = time.perf_counter() - started
            return {"requests": requests, "seconds": seconds, "per_s": requests / seconds}
        size, count = SIZES[name]
        values = []
        started = time.perf_counter()
        for text in messages(1, size, count):
            t = time.perf_counter()
            self.analyze([text])
            values.append((time.perf_counter() - t) * 1000)
        return _latencies(values, count, time.perf_counter() - started)

    def facts(self) -> dict[str, object]:
        return {"rss_mib": rss_mib()}


class OursSide:
    """`TrustEngine.protect` with the default config, the path the gateway takes."""

    def __init__(self) -> None:
        from modelgw.common.config.providers import Locality
        from modelgw.common.config.tenants import EntityPolicy
        from modelgw.common.config.trust import TrustConfig
        from modelgw.trust.engine import TrustEngine

        # The texts are unique but built from shared sentence frames: remembered NER windows
        # (`window_memo`) would answer for some of them, and this measures detection itself.
        self.config = TrustConfig(ner_window_memo_entries=0)
        self.engine = TrustEngine(self.config)
        policy = EntityPolicy()

        external = frozenset({Locality.EXTERNAL})

        async def protect(texts: list[str], tenant: str) -> None:
            await self.engine.protect(texts, policy, external, tenant=tenant)

        self.protect: Callable[[list[str], str], Awaitable[None]] = protect

    async def phase(self, name: str, round_: int) -> dict[str, object]:
        # A tenant per round and phase: the memo never answers from an earlier round.
        tenant = f"{name}-{round_}"
        if name == "warm":
            for _ in range(4):  # every worker loads its lazy parts
                await self.protect([WARM_UP], tenant)
            return {}
        if name == "chat":

            async def replay(seed: int) -> int:
                turns = chat(100 + seed)
                for n in range(1, len(turns) + 1):
                    await self.protect(turns[:n], tenant)
                return len(turns)

            started = time.perf_counter()  # chats side by side, each turn by turn
            requests = sum(await asyncio.gather(*(replay(s) for s in range(CHATS))))
            seconds = time.perf_counter() - started
            return {"requests": requests, "seconds": seconds, "per_s": requests / seconds}
        size, count = SIZES[name]
        texts = messages(1, size, count)
        values = []
        for text in texts:
            t = time.perf_counter()
            await self.protect([text], f"{tenant}-latency")
            values.append((time.perf_counter() - t) * 1000)
        result = _latencies(values, count, 1.0)
        started = time.perf_counter()  # throughput: the same texts as concurrent requests
        await asyncio.gather(*(self.protect([t], f"{tenant}-throughput") for t in texts))
        result["per_s"] = count / (time.perf_counter() - started)
        return result

    def facts(self) -> dict[str, object]:
        detector = self.engine.detector
        pids: list[int] = getattr(detector, "worker_pids", list)()
        zygote = getattr(detector, "zygote_pid", lambda: None)()
        workers = [peak_rss_mib(pid) for pid in pids]
        zygote_rss = peak_rss_mib(zygote) if zygote else 0.0
        return {
            "rss_mib": rss_mib() + sum(workers) + zygote_rss,
            "worker_rss_mib": workers,
            "zygote_rss_mib": zygote_rss,
            # Now, not peak: PSS counts the pages the workers share with the zygote once.
            "pss_mib": sum(pss_of(p) for p in [os.getpid(), *pids, *([zygote] if zygote else [])])
            / 2**20,
            "executor": f"{self.config.executor.value} x{self.config.workers}",
            "memo": {"hits": self.engine.memo.hits, "misses": self.engine.memo.misses},
            "batches": self.engine.batches,
        }


async def _serve(side: StockSide | OursSide) -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["phase"] == "facts":
            answer = side.facts()
        else:
            answer = await side.phase(command["phase"], command["round"])
            answer["load"] = load_average()
        print(json.dumps(answer), flush=True)


def main() -> None:
    side = StockSide() if sys.argv[1] == "stock" else OursSide()
    asyncio.run(_serve(side))


if __name__ == "__main__":
    main()
