"""Real vLLM (CPU build) behind the gateway: a tiny random-weight Llama made for the session.

The text a random model writes means nothing, so answers are checked against
the same worker called directly with the same token ids (greedy decoding):
what the gateway returns must be exactly what those ids spell.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from smg_grpc_proto.generated import vllm_engine_pb2, vllm_engine_pb2_grpc

from modelgw.api.v1 import common_pb2
from modelgw.common.config.schema import ModelgwConfig, TrustConfig
from modelgw.common.messages import ChatMessage, Role
from modelgw.trust.engine import TrustEngine
from tests.configs import gateway_config
from tests.harness import RunningGateway, generate_request, running_gateway
from tests.vllm_support.workers import STARTUP_TIMEOUT_S, VllmWorkers, model_tokenizer

# The first test here also starts the session's vLLM workers (STARTUP_TIMEOUT_S), which
# took ~235 s on two cores under a CPU hog: more than the suite's default 300 s leaves.
pytestmark = pytest.mark.timeout(STARTUP_TIMEOUT_S + 300)

KEY = "mgw_test_vllm_key_01234567"
AUTH = (("authorization", f"Bearer {KEY}"),)


def vllm_config(addresses: list[str], tmp_path: Path, **provider: Any) -> ModelgwConfig:
    vllm = {"type": "vllm", "workers": addresses, "load_interval_s": 0.2, **provider}
    dev = {
        # Local models may see raw values here, so the worker gets exactly the test's prompt.
        "entity_policy": {"local_default": "allow"},
        # A random-weight model says anything; response scanning is not under test here.
        "trust": {"response": {"new_entity_action": "allow"}},
    }
    return gateway_config(
        {
            "providers": {"local": vllm},
            "models": {"tiny": {"route": [{"provider": "local"}]}},
            "tenants": {"dev": dev},
            # Greedy requests are cacheable; these tests must reach the worker every time.
            "cache": {"backend": "none"},
        },
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )


@contextlib.asynccontextmanager
async def gateway(
    workers: VllmWorkers, tmp_path: Path, trust_engine: Any, **provider: Any
) -> AsyncIterator[RunningGateway]:
    config = vllm_config(workers.addresses, tmp_path, **provider)
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        yield gw


def greedy(text: str, max_tokens: int) -> Any:
    request = generate_request(text, model="tiny")
    request.params.max_tokens = max_tokens
    request.params.temperature = 0.0
    return request


async def direct_ids(address: str, input_ids: list[int], max_tokens: int) -> list[int]:
    """What the worker generates for these ids, asked without the gateway."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = vllm_engine_pb2_grpc.VllmEngineStub(channel)
        request = vllm_engine_pb2.GenerateRequest(
            request_id=f"direct-{uuid.uuid4().hex[:12]}",
            tokenized=vllm_engine_pb2.TokenizedInput(input_ids=input_ids),
            sampling_params=vllm_engine_pb2.SamplingParams(temperature=0.0, max_tokens=max_tokens),
            stream=False,
        )
        out: list[int] = []
        async for reply in stub.Generate(request, timeout=60):
            if reply.WhichOneof("response") == "complete":
                out.extend(reply.complete.output_ids)
        return out


async def running(address: str) -> int | None:
    """Requests running or waiting on the worker at `address`; None if GetLoads did not
    answer within 15 s (under a CPU hog the CPU engine has answered after more than 5 s)."""
    async with grpc.aio.insecure_channel(address) as channel:
        try:
            loads = await vllm_engine_pb2_grpc.VllmEngineStub(channel).GetLoads(
                vllm_engine_pb2.GetLoadsRequest(), timeout=15
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                raise
            return None
    return sum(load.num_running_reqs + load.num_waiting_reqs for load in loads.loads)


async def eventually_loads(
    workers: VllmWorkers, check: Any, seconds: float = 10.0
) -> list[int | None]:
    """Poll GetLoads until `check(loads)` holds; the loads (for the message) or [] if it did
    not within `seconds` (wall clock: each poll may itself be slow on a loaded machine).
    A poll that timed out is asked again, not judged."""
    deadline = time.monotonic() + seconds
    while True:
        loads = [await running(a) for a in workers.addresses]
        if None not in loads and check(loads):
            return loads
        if time.monotonic() > deadline:
            print(f"GetLoads never satisfied the check in {seconds}s; last: {loads}")
            return []
        await asyncio.sleep(0.1)


def served(workers: VllmWorkers, request_id: str) -> list[int]:
    """Indexes of the workers whose log shows an engine request for this gateway request.

    `request_id` is the gateway's own id (in its reply, or a stream's first event):
    the caller's `request_id` is recorded as `client_request_id` and never reaches a worker.
    """
    pattern = re.compile(rf"Generate request {re.escape(request_id)}-[0-9a-f]{{8}}:")
    return [i for i, w in enumerate(workers.workers) if pattern.search(w.log_text())]


async def eventually_served(workers: VllmWorkers, request_id: str) -> list[int]:
    """`served` once some worker's log shows the request (within 30 s), else []."""
    deadline = time.monotonic() + 30
    while True:
        found = served(workers, request_id)
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.1)


async def test_generate_and_stream_through_the_gateway(
    vllm_workers: VllmWorkers, tmp_path: Path, trust_engine: Any
) -> None:
    text, max_tokens = "Hello café, 日本 and 🙂!", 24
    tokenizer = model_tokenizer(vllm_workers.model_dir)
    _, input_ids = tokenizer.encode_chat([ChatMessage(Role.USER, text)])
    expected_ids = await direct_ids(vllm_workers.addresses[0], input_ids, max_tokens)
    expected = tokenizer.tokenizer.decode(expected_ids, skip_special_tokens=True)
    assert len(expected_ids) == max_tokens and expected

    async with gateway(vllm_workers, tmp_path, trust_engine) as gw:
        reply = await gw.gateway.Generate(greedy(text, max_tokens), metadata=AUTH)
        assert reply.message.content == expected
        assert reply.finish_reason == common_pb2.FINISH_REASON_LENGTH
        assert reply.usage.prompt_tokens == len(input_ids)
        assert reply.usage.completion_tokens == max_tokens
        assert reply.route.backend == "local" and reply.route.provider_type == "vllm"
        assert reply.route.locality == common_pb2.LOCALITY_LOCAL

        events = [
            e async for e in gw.gateway.GenerateStream(greedy(text, max_tokens), metadata=AUTH)
        ]
        assert "".join(e.delta for e in events) == expected
        assert sum(1 for e in events if e.delta) > 1  # really streamed, token by token
        assert events[-1].finish_reason == common_pb2.FINISH_REASON_LENGTH
        assert events[-1].usage.completion_tokens == max_tokens


async def test_stop_string_cuts_the_answer(
    vllm_workers: VllmWorkers, tmp_path: Path, trust_engine: Any
) -> None:
    async with gateway(vllm_workers, tmp_path, trust_engine) as gw:
        full = (await gw.gateway.Generate(greedy("Stop here", 24), metadata=AUTH)).message.content
        stop = full[len(full) // 2 : len(full) // 2 + 3]
        assert stop.strip(), full
        request = greedy("Stop here", 24)
        request.params.stop.append(stop)
        cut = await gw.gateway.Generate(request, metadata=AUTH)
        assert cut.message.content == full[: full.index(stop)]
        assert cut.finish_reason == common_pb2.FINISH_REASON_STOP


async def test_cancelling_the_stream_aborts_the_engine_request(
    vllm_workers: VllmWorkers, tmp_path: Path, trust_engine: Any
) -> None:
    async with gateway(vllm_workers, tmp_path, trust_engine) as gw:
        # 8000 tokens: tens of seconds of engine time. At 1000 (1.5-2.5 s here) the engine
        # could finish before a test process stalled on a loaded machine saw it running.
        call = gw.gateway.GenerateStream(greedy("Go on", 8000), metadata=AUTH)
        request_id = ""
        async for event in call:
            request_id = request_id or event.request_id  # the first event carries it
            if event.delta:
                break
        # The engine has the request (its log says so at once; GetLoads reports from engine
        # stats that lagged by more than 10 s under a CPU hog while the request ran 21 s).
        worker = await eventually_served(vllm_workers, request_id)
        assert len(worker) == 1
        call.cancel()
        # Far sooner than 8000 tokens would end (tens of seconds): the request was aborted.
        aborted = re.compile(rf"Abort requests: \['{request_id}-[0-9a-f]{{8}}'\]")
        log = vllm_workers.workers[worker[0]]
        started = time.monotonic()
        while True:
            if aborted.search(log.log_text()):
                break
            assert time.monotonic() - started < 30, "the engine request was never aborted"
            await asyncio.sleep(0.1)
        assert await eventually_loads(vllm_workers, lambda loads: loads == [0, 0], seconds=30)


async def test_two_workers_share_load_by_get_loads(
    vllm_workers: VllmWorkers, tmp_path: Path, trust_engine: Any
) -> None:
    busy = vllm_workers.addresses[0]
    tokenizer = model_tokenizer(vllm_workers.model_dir)
    _, ids = tokenizer.encode_chat([ChatMessage(Role.USER, "keep busy")])

    async def keep_busy(tokens: int) -> None:
        while True:  # a long request, and another when it ends
            await direct_ids(busy, ids, tokens)

    # Four long requests (several seconds each, more on a loaded machine) of different
    # lengths: they must not all be between requests at once, which a test process stalled
    # for a second or two made likely with requests of ~1000 tokens. A load poll in such a
    # gap sees worker 0 idle and rightly sends a request there.
    occupy = [asyncio.create_task(keep_busy(n)) for n in (6000, 5000, 4000, 3000)]
    try:
        # Worker 0 runs long requests it got from elsewhere: only GetLoads can tell. The
        # gateway's pool starts polling with its first request, which waits for both loads.
        async with gateway(vllm_workers, tmp_path, trust_engine, affinity_prefix_chars=0) as gw:
            assert await eventually_loads(vllm_workers, lambda loads: loads[0] >= 3)
            for i in range(3):
                reply = await gw.gateway.Generate(greedy(f"q{i}", 4), metadata=AUTH)
                loads = [await running(a) for a in vllm_workers.addresses]
                where = served(vllm_workers, reply.request_id)
                assert where == [1], f"request {i} served by workers {where}; loads now {loads}"
    finally:
        for task in occupy:
            task.cancel()
        await asyncio.gather(*occupy, return_exceptions=True)

    # Both idle again (the cancelled requests have left worker 0) before the second part.
    assert await eventually_loads(vllm_workers, lambda loads: loads == [0, 0])
    async with gateway(vllm_workers, tmp_path / "b", trust_engine, affinity_prefix_chars=0) as gw:
        # Concurrent long requests spread over both workers by load alone.
        replies = await asyncio.gather(
            *(gw.gateway.Generate(greedy(f"prompt {i}", 300), metadata=AUTH) for i in range(6))
        )
    counts = [0, 0]
    for reply in replies:
        (worker,) = served(vllm_workers, reply.request_id)
        counts[worker] += 1
    assert min(counts) >= 2, counts


@pytest.fixture(autouse=True)
def _audit_dir(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir(exist_ok=True)


@pytest.fixture(scope="module")
def trust_engine(trust_engine: TrustEngine) -> Iterator[TrustEngine]:
    """The session's detector with a longer deadline: these tests keep both cores busy with
    the CPU engine, and detection must not hit its fail-closed deadline because of that (it
    is not under test here)."""
    engine = TrustEngine(TrustConfig(deadline_ms=30_000), detector=trust_engine.detector)
    yield engine
    engine.close()
