"""Worker pools against real gRPC servers: ejection and probing back, DNS discovery,
prefix affinity, and the tokenizer fetched once."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from modelgw.common.config.providers import VllmProvider
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.providers.base import BackendRequest
from modelgw.providers.vllm import VllmBackend
from tests.vllm_support.fake_engine import RunningFake, fake_engine, serve


def provider(**kwargs: Any) -> VllmProvider:
    return VllmProvider.model_validate(
        {
            "type": "vllm",
            "load_interval_s": 0.1,
            "probe_interval_s": 0.1,
            "eject_after_failures": 2,
            **kwargs,
        }
    )


def request(system: str, user: str) -> BackendRequest:
    return BackendRequest(
        model="m",
        messages=[ChatMessage(Role.SYSTEM, system), ChatMessage(Role.USER, user)],
        params=GenerationParams(),
        request_id="pool-test",
    )


@contextlib.asynccontextmanager
async def two_fakes(tmp_path: Path) -> AsyncIterator[tuple[RunningFake, RunningFake]]:
    async with fake_engine(tmp_path / "a") as a, fake_engine(tmp_path / "b") as b:
        yield a, b


async def wait_for(condition: Any, seconds: float = 3.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def test_dead_worker_is_ejected_and_taken_back_once_it_answers(tmp_path: Path) -> None:
    async with two_fakes(tmp_path) as (a, b):
        backend = VllmBackend("local", provider(workers=[a.address, b.address]))
        try:
            await backend.tokenizer()
            port = int(b.address.rsplit(":", 1)[1])
            await b.server.stop(0)
            await wait_for(lambda: backend.pool.workers[b.address].ejected)
            for i in range(6):  # every request goes to the live worker now
                await backend.generate(request(f"system {i}", "hi"))
            assert len(a.engine.calls) == 6 and not b.engine.calls

            b.server, _ = await serve(b.engine, port)  # the worker comes back
            await wait_for(lambda: not backend.pool.workers[b.address].ejected)
            for i in range(8):
                await backend.generate(request(f"system {i}", "hi"))
            assert b.engine.calls, "the recovered worker gets traffic again"
        finally:
            await backend.close()


async def test_workers_are_discovered_from_dns(tmp_path: Path) -> None:
    async with fake_engine(tmp_path / "a") as a:
        port = a.address.rsplit(":", 1)[1]
        backend = VllmBackend("local", provider(dns=f"localhost:{port}"))
        try:
            backend.pool.start()
            await wait_for(lambda: a.address in backend.pool.workers)
            response = await backend.generate(request("s", "hello"))
            assert response.text == a.engine.answer
        finally:
            await backend.close()


async def test_shared_prefix_sticks_to_one_worker_while_loads_are_close(tmp_path: Path) -> None:
    async with two_fakes(tmp_path) as (a, b):
        backend = VllmBackend("local", provider(workers=[a.address, b.address]))
        try:
            system = "You are the claims assistant of ACME. " * 10
            for i in range(6):
                await backend.generate(request(system, f"question {i}"))
            assert sorted([len(a.engine.calls), len(b.engine.calls)]) == [0, 6]

            spread: Counter[str] = Counter()
            for i in range(20):
                await backend.generate(request(f"tenant-specific system prompt {i}", "q"))
            spread.update(a=len(a.engine.calls), b=len(b.engine.calls))
            assert min(spread.values()) > 0, "different prefixes use both workers"
            assert a.engine.tokenizer_fetches + b.engine.tokenizer_fetches == 1
        finally:
            await backend.close()
