"""Drill (#18): a noisy tenant floods the gateway while a quiet one goes about its business.

A real `modelgw serve` (detection in its default 2 processes, a fast fake upstream)
serves two tenants. `quiet` sends one request after another on gRPC for PHASE_S
seconds, first alone, then while `noisy` floods the HTTP door with NOISY_CALLERS
concurrent callers under a `requests_per_minute` quota of NOISY_RPM (both send
personal data, so detection is the shared resource). The flood runs in its own
thread and event loop, so quiet's timings are not its client's queueing. The test
prints quiet's p50/p99 alone and beside the flood, and what noisy got (answers and
429 refusals); it fails if quiet gets a single error or its p99 beside the flood
exceeds P99_FACTOR x its p99 alone + P99_SLACK_MS (generous: the machine is a loaded
2-core box, where any extra work moves latency; starvation would not stay inside it).
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import grpc
import httpx
import pytest

from modelgw.api.v1 import gateway_pb2_grpc
from tests.configs import key_entry
from tests.fakes.server import RecordingServer
from tests.reliability.doors import Outcome, ask_grpc, ask_http
from tests.reliability.on_command import on_command
from tests.reliability.served import served

pytestmark = pytest.mark.drill

NOISY_KEY = "mgw_test_noisy_tenant_key_0123456"
QUIET_KEY = "mgw_test_quiet_tenant_key_0123456"
PHASE_S = 15.0
NOISY_CALLERS = 32
NOISY_RPM = 600
P99_FACTOR = 10.0
P99_SLACK_MS = 500.0
PROMPT = "Jane Roe (jane.roe@example.com) asks about the delivery of order {n}."


def _flood(base: str, stop: threading.Event, got: Counter[str]) -> None:
    """NOISY_CALLERS callers, one request after another each, until `stop` (own loop)."""

    async def caller(client: httpx.AsyncClient, c: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            prompt = PROMPT.format(n=f"noisy-{c}-{i}")
            outcome = await ask_http(client, base, NOISY_KEY, "ok", prompt, timeout_s=60)
            got[outcome.status] += 1

    async def flood() -> None:
        limits = httpx.Limits(max_connections=NOISY_CALLERS)
        async with httpx.AsyncClient(limits=limits) as client:
            await asyncio.gather(*(caller(client, c) for c in range(NOISY_CALLERS)))

    asyncio.run(flood())


async def _quiet(stub: gateway_pb2_grpc.GatewayAsyncStub, phase: str) -> list[Outcome]:
    done: list[Outcome] = []
    until = time.monotonic() + PHASE_S
    while time.monotonic() < until:
        prompt = PROMPT.format(n=f"quiet-{phase}-{len(done)}")
        done.append(await ask_grpc(stub, QUIET_KEY, "ok", prompt, timeout_s=30))
    return done


def _ms(done: list[Outcome], q: int) -> float:
    return statistics.quantiles([o.seconds for o in done], n=100)[q - 1] * 1000


async def test_drill_noisy_tenant(tmp_path: Path) -> None:
    changes = {
        "models": {"ok": {"route": [{"provider": "upstream", "model": "ok"}]}},
        "trust": {"executor": "processes", "workers": 2},
        "tenants": {
            "noisy": {
                "api_keys": [key_entry(NOISY_KEY, "noisy")],
                "quotas": {"requests_per_minute": NOISY_RPM},
            },
            "quiet": {"api_keys": [key_entry(QUIET_KEY, "quiet")]},
        },
    }
    noisy: Counter[str] = Counter()
    stop = threading.Event()
    async with RecordingServer(on_command) as upstream:
        with served(tmp_path, upstream.url, changes=changes) as gateway:
            async with grpc.aio.insecure_channel(gateway.grpc_address) as channel:
                stub = gateway_pb2_grpc.GatewayStub(channel)
                await _quiet(stub, "warm-up")  # detection processes and caches warm
                alone = await _quiet(stub, "alone")
                flood = threading.Thread(target=_flood, args=(gateway.http_url, stop, noisy))
                flood.start()
                try:
                    await asyncio.sleep(1.0)  # the flood is in full swing
                    beside = await _quiet(stub, "beside")
                finally:
                    stop.set()
                    await asyncio.to_thread(flood.join, 120)
            upstream_calls = len(upstream.requests)
            assert await asyncio.to_thread(gateway.terminate) == 0
    errors = [o for o in alone + beside if not o.ok]
    print(
        f"\nDRILL noisy tenant: quiet sends one request at a time for {PHASE_S:.0f} s, alone "
        f"and then beside noisy ({NOISY_CALLERS} callers, quota {NOISY_RPM}/min):"
        f"\n  quiet alone:  {len(alone):5d} requests, p50 {_ms(alone, 50):6.1f} ms, "
        f"p99 {_ms(alone, 99):6.1f} ms"
        f"\n  quiet beside: {len(beside):5d} requests, p50 {_ms(beside, 50):6.1f} ms, "
        f"p99 {_ms(beside, 99):6.1f} ms; {len(errors)} errors"
        f"\n  noisy: {sum(noisy.values())} requests {dict(noisy)} (429: its quota; 503: its "
        f"detection past the deadline, fail closed); "
        f"upstream called {upstream_calls} times in all"
    )
    assert not errors, [(o.status, o.error[:200]) for o in errors[:5]]
    assert noisy["429"] > 0 and noisy["200"] > 0, noisy  # the flood was real and was limited
    assert set(noisy) <= {"200", "429", "503"}, noisy  # 503: its detection shed (deadline)
    assert _ms(beside, 99) < P99_FACTOR * _ms(alone, 99) + P99_SLACK_MS
