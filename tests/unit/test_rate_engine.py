"""The token-rate fake engine of bench/vllm_rate decodes at about its set rate, shared.

The benchmark's figures are only as good as this pacing: an engine that bursts
faster than its rate would flatter a slow gateway, one that lags would hide it.
Bounds are generous (a loaded 2-core machine): they catch a pacer that ignores
its rate or gives every request the whole rate, not a few percent of drift.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
from smg_grpc_proto.generated import vllm_engine_pb2, vllm_engine_pb2_grpc

from bench.vllm_rate.engine import rate_engine


def _request(n: int) -> vllm_engine_pb2.GenerateRequest:
    return vllm_engine_pb2.GenerateRequest(
        request_id=f"r{time.monotonic_ns()}",
        tokenized=vllm_engine_pb2.TokenizedInput(input_ids=[1, 2, 3]),
        sampling_params=vllm_engine_pb2.SamplingParams(max_tokens=n),
        stream=True,
    )


async def test_one_request_takes_its_tokens_at_the_rate(tmp_path: Path) -> None:
    async with (
        rate_engine(1000, tmp_path) as (_, address),
        grpc.aio.insecure_channel(address) as channel,
    ):
        stub = vllm_engine_pb2_grpc.VllmEngineStub(channel)
        started = time.perf_counter()
        tokens, finish = 0, ""
        async for reply in stub.Generate(_request(300), timeout=30):
            if reply.WhichOneof("response") == "chunk":
                tokens += len(reply.chunk.token_ids)
            else:
                finish = reply.complete.finish_reason
                assert reply.complete.completion_tokens == 300
        elapsed = time.perf_counter() - started
    assert (tokens, finish) == (300, "length")
    assert 0.25 <= elapsed <= 3.0, f"300 tokens at 1000/s took {elapsed:.2f} s"


async def test_concurrent_requests_share_the_aggregate_rate(tmp_path: Path) -> None:
    rate, seconds = 400, 1.5
    counts = [0] * 4
    async with (
        rate_engine(rate, tmp_path) as (engine, address),
        grpc.aio.insecure_channel(address) as channel,
    ):
        stub = vllm_engine_pb2_grpc.VllmEngineStub(channel)

        async def read(i: int) -> None:
            async for reply in stub.Generate(_request(100_000), timeout=30):
                counts[i] += len(reply.chunk.token_ids)

        readers = [asyncio.create_task(read(i)) for i in range(4)]
        await asyncio.sleep(seconds)
        total = sum(counts)
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        await asyncio.sleep(0.1)
        assert engine.pacer.running == [], "cancelled requests must leave the scheduler"
    expected = rate * seconds
    assert 0.4 * expected <= total <= 1.3 * expected, f"{total} tokens, expected ~{expected:.0f}"
    assert min(counts) >= 0.5 * max(counts), f"uneven shares: {counts}"
