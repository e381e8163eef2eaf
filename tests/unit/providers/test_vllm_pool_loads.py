"""Least-load choice when load reports are missing, failed, old or behind the engine.

A poll that does not answer is no evidence of an idle worker (it is often a swamped one),
so a worker without a fresh report must never look idler than one with a report. The
workers here have in-process stubs whose GetLoads answers as scripted: no servers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from smg_grpc_proto.generated import vllm_engine_pb2

from modelgw.common.config.providers import VllmProvider
from modelgw.providers.vllm.pool import Worker, WorkerPool

A, B = "10.0.0.1:50051", "10.0.0.2:50051"


def failed(code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), "scripted")


@dataclass
class ScriptedEngine:
    """GetLoads answers: a running count, or an error to raise, one per poll (the last repeats)."""

    answers: list[int | grpc.aio.AioRpcError]
    polls: int = 0
    timeouts: list[float | None] = field(default_factory=list)

    async def GetLoads(
        self, request: vllm_engine_pb2.GetLoadsRequest, **call: Any
    ) -> vllm_engine_pb2.GetLoadsResponse:
        answer = self.answers[min(self.polls, len(self.answers) - 1)]
        self.polls += 1
        self.timeouts.append(call.get("timeout"))
        if isinstance(answer, grpc.aio.AioRpcError):
            raise answer
        load = vllm_engine_pb2.SchedulerLoad(num_running_reqs=answer)
        return vllm_engine_pb2.GetLoadsResponse(dp_rank_count=1, loads=[load])

    async def HealthCheck(
        self, request: vllm_engine_pb2.HealthCheckRequest, **call: Any
    ) -> vllm_engine_pb2.HealthCheckResponse:
        """The probe of an ejected worker: still down."""
        return vllm_engine_pb2.HealthCheckResponse(healthy=False)


def config(**kwargs: Any) -> VllmProvider:
    return VllmProvider.model_validate(
        {
            "type": "vllm",
            "workers": [A, B],
            "load_interval_s": 0.01,
            "affinity_prefix_chars": 0,
            "connect_timeout_s": 2.0,
            **kwargs,
        }
    )


@pytest.fixture
async def channel() -> AsyncIterator[grpc.aio.Channel]:
    """Never connected: the stubs below answer in process."""
    async with grpc.aio.insecure_channel("127.0.0.1:9") as channel:
        yield channel


def pool_of(
    channel: grpc.aio.Channel, engines: dict[str, ScriptedEngine], **kwargs: Any
) -> WorkerPool:
    pool = WorkerPool("local", config(**kwargs))
    for address, engine in engines.items():
        pool.workers[address] = Worker(address, channel, engine)  # type: ignore[arg-type]  # a scripted stand-in for the gRPC stub
    return pool


def chosen(pool: WorkerPool) -> str:
    worker = pool.choose("")
    assert worker is not None
    return worker.address


async def poll(pool: WorkerPool) -> None:
    for worker in list(pool.workers.values()):
        await pool._poll_one(worker)


async def test_a_worker_that_never_answered_counts_as_busy(channel: grpc.aio.Channel) -> None:
    unavailable = failed(grpc.StatusCode.DEADLINE_EXCEEDED)
    pool = pool_of(channel, {A: ScriptedEngine([4]), B: ScriptedEngine([unavailable])})
    await poll(pool)
    # B's figures are unknown, not zero: the worker known to run 4 requests is still preferred.
    assert chosen(pool) == A


async def test_a_failed_poll_makes_the_old_figures_unknown(channel: grpc.aio.Channel) -> None:
    late = failed(grpc.StatusCode.DEADLINE_EXCEEDED)
    pool = pool_of(channel, {A: ScriptedEngine([3]), B: ScriptedEngine([0, late])})
    await poll(pool)
    assert chosen(pool) == B
    await poll(pool)  # B was idle once; its next poll fails: that old 0 is no longer its load
    assert pool.workers[B].poll_failed and not pool.workers[B].ejected
    assert chosen(pool) == A
    await poll(pool)
    await poll(pool)  # B keeps failing and is ejected, as before
    assert pool.workers[B].ejected


async def test_old_figures_count_as_unknown(channel: grpc.aio.Channel) -> None:
    pool = pool_of(channel, {A: ScriptedEngine([2]), B: ScriptedEngine([0])})
    await poll(pool)
    # B's report is older than any round of polls can take: its polls stopped.
    pool.workers[B].reported_at = time.monotonic() - pool.stale_after_s - 1
    assert chosen(pool) == A


async def test_when_every_poll_fails_the_last_figures_still_rank_the_workers(
    channel: grpc.aio.Channel,
) -> None:
    late = failed(grpc.StatusCode.DEADLINE_EXCEEDED)
    pool = pool_of(channel, {A: ScriptedEngine([4, late]), B: ScriptedEngine([0, late])})
    await poll(pool)
    await poll(pool)  # a swamped host: both polls time out
    assert all(w.poll_failed for w in pool.workers.values())
    # A ran 4 requests when it last answered, B none: zeros for both would pick A by address
    # (the cause of a flaky integration test under a CPU hog).
    assert chosen(pool) == B


async def test_without_any_known_load_our_requests_in_flight_decide(
    channel: grpc.aio.Channel,
) -> None:
    late = failed(grpc.StatusCode.DEADLINE_EXCEEDED)
    pool = pool_of(channel, {A: ScriptedEngine([late]), B: ScriptedEngine([late])})
    await poll(pool)
    pool.workers[A].in_flight = 2
    assert chosen(pool) == B


async def test_a_report_behind_our_own_requests_does_not_read_idle(
    channel: grpc.aio.Channel,
) -> None:
    pool = pool_of(channel, {A: ScriptedEngine([0]), B: ScriptedEngine([1])})
    worker = pool.workers[A]
    worker.in_flight = 2  # sent before the poll, not admitted by the engine at its last step
    await poll(pool)
    assert (worker.running, worker.in_flight_at_poll) == (0, 2)
    assert worker.load >= 2
    assert chosen(pool) == B


async def test_polls_wait_as_long_as_reaching_a_worker_may_take(
    channel: grpc.aio.Channel,
) -> None:
    engine = ScriptedEngine([0])
    pool = pool_of(channel, {A: engine}, load_interval_s=0.2, connect_timeout_s=5.0)
    await poll(pool)
    # Not a multiple of the poll interval: a loaded gateway may read a good answer late.
    assert engine.timeouts == [5.0]


async def test_first_choice_waits_until_every_worker_reported(channel: grpc.aio.Channel) -> None:
    late = failed(grpc.StatusCode.DEADLINE_EXCEEDED)
    engines = {A: ScriptedEngine([3]), B: ScriptedEngine([late, 0])}
    pool = pool_of(channel, engines)
    try:
        await asyncio.wait_for(pool.wait_informed(), 1.0)
        # B missed the first round; the first choice still sees it idle rather than unknown.
        assert engines[B].polls >= 2 and pool.workers[B].reported_at is not None
        assert chosen(pool) == B
    finally:
        await pool.close()


async def test_first_choice_stops_waiting_for_a_worker_that_is_down(
    channel: grpc.aio.Channel,
) -> None:
    down = failed(grpc.StatusCode.UNAVAILABLE)
    engines = {A: ScriptedEngine([3]), B: ScriptedEngine([down])}
    pool = pool_of(channel, engines, eject_after_failures=2)
    try:
        await asyncio.wait_for(pool.wait_informed(), 1.0)
        assert pool.workers[B].ejected
        assert chosen(pool) == A
    finally:
        await pool.close()
