"""The steps of a stop on SIGTERM (#18): drain every part, wait, stop every part, then close.

The real servers' side is tested with a real process (tests/reliability/test_drain.py);
here the order of the steps, and that a second signal ends the drain early.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator

import pytest

from modelgw.common.grpc_server import serve_until_signalled


class Part:
    def __init__(self, name: str, steps: list[str]) -> None:
        self._name = name
        self._steps = steps

    async def drain(self) -> None:
        self._steps.append(f"drain {self._name}")

    async def stop(self, grace: float) -> None:
        self._steps.append(f"stop {self._name} {grace}")


@pytest.fixture
async def signals() -> AsyncIterator[None]:
    yield
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.remove_signal_handler(sig)


async def _run(drain_s: float, signals_sent: int) -> tuple[list[str], float]:
    steps: list[str] = []

    async def closed() -> None:
        steps.append("on_stop")

    parts = [Part("in-flight", steps), Part("grpc", steps)]
    serving = asyncio.create_task(serve_until_signalled(parts, 3.0, closed, drain_s=drain_s))
    await asyncio.sleep(0.1)  # the handlers are installed
    signalled = time.monotonic()
    for _ in range(signals_sent):
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0.2)
    await asyncio.wait_for(serving, 10)
    return steps, time.monotonic() - signalled


async def test_the_drain_comes_first_then_the_stop_then_the_close(signals: None) -> None:
    steps, took = await _run(drain_s=1.0, signals_sent=1)
    assert steps == [
        "drain in-flight",
        "drain grpc",
        "stop in-flight 3.0",
        "stop grpc 3.0",
        "on_stop",
    ]
    assert took >= 1.0


async def test_a_second_signal_ends_the_drain_early(signals: None) -> None:
    steps, took = await _run(drain_s=30.0, signals_sent=2)
    assert steps[-1] == "on_stop"
    assert took < 10, "the second SIGTERM cut the 30 s drain short"
