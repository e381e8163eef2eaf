"""Speed and memory of stock Presidio and modelgw on the same texts, side by side in one run.

    make bench-trust     (= python -m bench.trust.speed)

Each side runs in its own fresh process (so its peak RSS is its own; ours
adds the peak RSS of its detector processes) on the same seeded texts:
single messages of ~200 B, 1 KB and 4 KB (every text unique, so
memoisation cannot help), and 10-turn chats replayed turn by turn
where every request resends the whole history. Stock Presidio is called as
shipped (`AnalyzerEngine.analyze`, one text at a time); ours goes through
`TrustEngine.protect` with the default config (2 detector processes), the
path the gateway uses: latency from sequential calls (a lone message is
split across the idle workers), throughput from concurrent calls (batched
onto the workers); the chats are replayed side by side, each turn by turn.
The load average is recorded before and after each side: the machine is
shared, and a ratio taken while other jobs ran is only as good as that.
Writes `results/speed.md` and `results/speed.json`.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.trust.common import MODEL, load_average, machine, peak_rss_mib, rss_mib
from bench.trust.corpus import chat, messages

HERE = Path(__file__).parent
SIZES = {"200B": (200, 120), "1KB": (1024, 60), "4KB": (4096, 20)}
CHATS = 6


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_stock() -> dict[str, object]:
    from bench.trust.common import stock_presidio

    analyze = stock_presidio()
    analyze(["warm up John Smith in Boston, john@example.com"])
    out: dict[str, object] = {"load_before": load_average()}
    for label, (size, count) in SIZES.items():
        texts = messages(1, size, count)
        latencies = []
        started = time.perf_counter()
        for text in texts:
            t = time.perf_counter()
            analyze([text])
            latencies.append((time.perf_counter() - t) * 1000)
        total = time.perf_counter() - started
        out[label] = {
            "p50_ms": statistics.median(latencies),
            "p95_ms": _percentile(latencies, 0.95),
            "per_s": count / total,
        }
    started = time.perf_counter()
    requests = 0
    for seed in range(CHATS):
        turns = chat(100 + seed)
        for n in range(1, len(turns) + 1):
            analyze(turns[:n])  # a stock integration analyses every message it is sent
            requests += 1
    total = time.perf_counter() - started
    out["chat"] = {"requests": requests, "seconds": total, "per_s": requests / total}
    out["rss_mib"] = rss_mib()
    out["load_after"] = load_average()
    return out


async def _run_ours() -> dict[str, object]:
    from modelgw.common.config.tenants import EntityPolicy
    from modelgw.common.config.trust import TrustConfig
    from modelgw.common.messages import ChatMessage, Role
    from modelgw.trust.engine import TrustEngine

    config = TrustConfig()
    engine = TrustEngine(config)
    policy = EntityPolicy()

    async def protect(texts: list[str], tenant: str = "bench") -> None:
        await engine.protect(
            [ChatMessage(Role.USER, t) for t in texts], policy, external=True, tenant=tenant
        )

    for _ in range(4):  # every worker loads its lazy parts
        await protect(["warm up John Smith in Boston, john@example.com"], tenant="warm")
    out: dict[str, object] = {
        "load_before": load_average(),
        "executor": f"{config.executor.value} x{config.workers}",
    }
    for label, (size, count) in SIZES.items():
        texts = messages(1, size, count)
        latencies = []
        for text in texts:
            t = time.perf_counter()
            await protect([text], tenant="latency")
            latencies.append((time.perf_counter() - t) * 1000)
        # Throughput: the same texts again as concurrent requests of another tenant
        # (another tenant: the memo cannot answer them).
        started = time.perf_counter()
        await asyncio.gather(*(protect([t], tenant="throughput") for t in texts))
        total = time.perf_counter() - started
        out[label] = {
            "p50_ms": statistics.median(latencies),
            "p95_ms": _percentile(latencies, 0.95),
            "per_s": count / total,
        }

    async def replay(seed: int) -> int:
        turns = chat(100 + seed)
        for n in range(1, len(turns) + 1):
            await protect(turns[:n], tenant="chat")
        return len(turns)

    # The chats run side by side (as users do), each turn by turn.
    started = time.perf_counter()
    requests = sum(await asyncio.gather(*(replay(seed) for seed in range(CHATS))))
    total = time.perf_counter() - started
    out["chat"] = {"requests": requests, "seconds": total, "per_s": requests / total}
    out["memo"] = {"hits": engine.memo.hits, "misses": engine.memo.misses}
    out["batches"] = engine.batches
    pids = getattr(engine.detector, "worker_pids", list)()
    out["worker_rss_mib"] = [peak_rss_mib(pid) for pid in pids]
    out["rss_mib"] = rss_mib() + sum(out["worker_rss_mib"])
    out["load_after"] = load_average()
    engine.close()
    return out


def _side(name: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.trust.speed", "--side", name],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent.parent,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(stock: dict, ours: dict, command: str) -> str:
    lines = [
        "# Trust layer speed: stock Presidio vs modelgw (same texts, same model, one run)",
        "",
        f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- command: `{command}`",
        f"- machine: {machine()} (shared with other jobs: absolute numbers are noisy,"
        " the ratios are the result)",
        f"- spaCy model `{MODEL}`; stock = `AnalyzerEngine.analyze` per text, sequential; ours ="
        f" `TrustEngine.protect` ({ours['executor']} detector), latency sequential, throughput"
        " concurrent",
        f"- load average (1 min) before/after: stock {stock['load_before']:.2f}/"
        f"{stock['load_after']:.2f}, ours {ours['load_before']:.2f}/{ours['load_after']:.2f}",
        "",
        "| workload | stock p50 ms | ours p50 ms | stock msg/s | ours msg/s | throughput x |",
        "|---|---|---|---|---|---|",
    ]
    for label in SIZES:
        s, o = stock[label], ours[label]
        lines.append(
            f"| single {label} | {s['p50_ms']:.1f} | {o['p50_ms']:.1f} | {s['per_s']:.1f} "
            f"| {o['per_s']:.1f} | {o['per_s'] / s['per_s']:.1f} |"
        )
    s, o = stock["chat"], ours["chat"]
    lines += [
        f"| 10-turn chat replay ({s['requests']} requests) | n/a | n/a | {s['per_s']:.1f} req/s "
        f"| {o['per_s']:.1f} req/s | {o['per_s'] / s['per_s']:.1f} |",
        "",
        f"- peak RSS: stock {stock['rss_mib']:.0f} MiB, ours {ours['rss_mib']:.0f} MiB (this"
        " process + detector processes "
        + " + ".join(f"{r:.0f}" for r in ours["worker_rss_mib"])
        + ")",
        f"- ours: memo hits {ours['memo']['hits']}, misses {ours['memo']['misses']}; "
        f"detection batches {ours['batches']}",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    if "--side" in sys.argv:
        side = sys.argv[sys.argv.index("--side") + 1]
        result = run_stock() if side == "stock" else asyncio.run(_run_ours())
        print(json.dumps(result))
        return
    stock, ours = _side("stock"), _side("ours")
    command = "make bench-trust"
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "speed.json").write_text(
        json.dumps(
            {"machine": machine(), "command": command, "stock": stock, "ours": ours}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    text = report(stock, ours, command)
    (out / "speed.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
