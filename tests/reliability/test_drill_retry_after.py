"""Drill (#18 finding 6): an upstream answers 429 with `retry-after: 30` under steady load.

`make test-reliability` runs it and prints what happened: how often the limited
upstream was called, who answered instead, and what callers got when no other
backend was left. Before the fix the upstream was called on every request until
the breaker opened (5 times in 0.1 s), and again each time the breaker let a probe
through.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from pathlib import Path

import grpc
import pytest

from tests.configs import DEV_KEY
from tests.fakes.server import RecordingServer
from tests.harness import RunningGateway, generate_request, running_gateway
from tests.unit.gateway.test_retry_after import answering, limited, upstreams_config

pytestmark = pytest.mark.drill

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
CALLERS, SECONDS = 8, 5.0


async def _load(gw: RunningGateway) -> tuple[Counter[str], list[float], set[str]]:
    """CALLERS callers asking one after the other for SECONDS: outcomes, latencies, and the
    `retry-after` values callers were given."""
    outcomes: Counter[str] = Counter()
    took: list[float] = []
    waits: set[str] = set()
    stop = time.monotonic() + SECONDS

    async def caller(n: int) -> None:
        i = 0
        while time.monotonic() < stop:
            i += 1
            started = time.monotonic()
            try:
                await gw.gateway.Generate(
                    generate_request(f"caller {n} asks {i}", model="chat"),
                    metadata=AUTH,
                    timeout=10,
                )
                outcomes["OK"] += 1
            except grpc.aio.AioRpcError as exc:
                outcomes[exc.code().name] += 1
                waits.update(str(v) for k, v in exc.trailing_metadata() or () if k == "retry-after")
            took.append(time.monotonic() - started)

    await asyncio.gather(*(caller(n) for n in range(CALLERS)))
    return outcomes, took, waits


def _ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


async def test_drill_upstream_429_with_retry_after(tmp_path: Path, trust_engine) -> None:
    async with RecordingServer(limited) as first, RecordingServer(answering) as second:
        config = upstreams_config(
            tmp_path, {"first": first.url, "second": second.url}, ["first", "second"]
        )
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            fallback, fallback_took, _ = await _load(gw)
        fallback_calls = len(first.requests)
    async with RecordingServer(limited) as only:
        config = upstreams_config(tmp_path, {"only": only.url}, ["only"])
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            alone, alone_took, waits = await _load(gw)
        alone_calls = len(only.requests)
    print(
        f"\nDRILL upstream 429 retry-after 30, {CALLERS} callers for {SECONDS:.0f} s:"
        f"\n  with a fallback: {sum(fallback.values())} requests {dict(fallback)}; limited "
        f"upstream called {fallback_calls} time(s), the fallback {len(second.requests)}; "
        f"p50 {_ms(fallback_took, 50):.1f} ms, p99 {_ms(fallback_took, 99):.1f} ms"
        f"\n  alone: {sum(alone.values())} requests {dict(alone)}; upstream called "
        f"{alone_calls} time(s); retry-after given {sorted(waits, key=int)}; p50 "
        f"{_ms(alone_took, 50):.1f} ms, p99 {_ms(alone_took, 99):.1f} ms"
    )
    # Only requests already sent before the first 429 came back reach the upstream.
    assert fallback_calls <= CALLERS and alone_calls <= CALLERS
    assert set(fallback) == {"OK"}
    assert set(alone) == {"RESOURCE_EXHAUSTED"}
