"""Benchmark: streams from an engine at a GPU's token rates, direct vs through the gateway.

    make bench-rate        (python -m bench.vllm_rate [--seconds 3] [--rounds 2])

Starts three fake vLLM engines (`engine.py`, one per aggregate rate: 1k, 5k
and 20k tokens/s) and one `modelgw serve` process with a `vllm` backend per
engine, then, for each rate and concurrency (1, 8, 64), runs windows of
`--seconds` in which that many callers stream answers back to back:
- `direct`: a gRPC client of the engine, decoding the token ids it gets;
- `scanned`: through the gateway with the default trust policy (the answer
  is scanned for personal data the caller did not send, released between
  ordinary words);
- `unscanned`: the same gateway for a tenant whose answers are not scanned.
Paths alternate per round so drift on a shared machine hits all alike. Per
cell: TTFT p50, delivered tokens/s (text received in the window), its ratio to
`direct`, and the gateway's CPU (its process and children) per 1k tokens.
The prompts repeat (the detection memo knows them after the first round);
one more set at 5k tokens/s gives every request a new prompt, so the prompt's
PII detection is in its TTFT. Appends to bench/vllm_rate/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import grpc

from bench.vllm_rate.clients import Reader, Window, direct_reader, gateway_reader, run_window
from bench.vllm_rate.engine import ANSWER
from bench.vllm_rate.report import Cell, machine, table
from modelgw.api.v1 import gateway_pb2, gateway_pb2_grpc
from modelgw.common.messages import ChatMessage, Role
from modelgw.providers.vllm.engine_stub import engine_stub
from modelgw.providers.vllm.tokenizer import ModelTokenizer, fetch_tokenizer, parse_bundle
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
RATES = (1000, 5000, 20000)
CONCURRENCY = (1, 8, 64)
KEYS = {"scanned": "mgw_rate_key_scanned_0123456789", "unscanned": "mgw_rate_key_unscan_0123456789"}
PROMPTS = [
    "Summarise the quarterly report in three sentences.",
    "Write a haiku about a lighthouse in winter.",
    "Explain what a vector database is to a new colleague.",
    "List five checks before deploying on a Friday.",
]
QUIET_S = 0.3
"""Pause between windows: the gateway's after-work (aborts, audit) ends before the next."""


def gateway_config(directory: Path, engines: dict[int, str], listen: str) -> Path:
    def tenant(name: str, **trust: object) -> dict[str, object]:
        digest = hashlib.sha256(KEYS[name].encode()).hexdigest()
        return {"api_keys": [{"id": name, "sha256": digest}], **trust}

    config = {
        "server": {"grpc_address": listen, "http_address": None},  # gRPC only: no fixed port
        "audit": {"url": f"sqlite+aiosqlite:///{directory}/audit.db"},
        "cache": {"backend": "none"},  # greedy, repeated prompts: a cache would answer them
        "providers": {f"r{r}": {"type": "vllm", "workers": [a]} for r, a in engines.items()},
        "models": {f"rate-{r}": {"route": [{"provider": f"r{r}"}]} for r in engines},
        "tenants": {
            "scanned": tenant("scanned"),
            "unscanned": tenant("unscanned", trust={"response": {"new_entity_action": "allow"}}),
        },
    }
    path = directory / "gateway.yaml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return path


def tree_cpu_s(pid: int) -> float:
    """User + system CPU of a process and its children (the detector pool), from /proc."""

    def stat(p: str) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = stat(entry)
        except OSError:
            continue
        if entry == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def wait_gateway(address: str, models: list[str]) -> None:
    metadata = (("authorization", f"Bearer {KEYS['scanned']}"),)
    async with grpc.aio.insecure_channel(address) as channel:
        stub = gateway_pb2_grpc.GatewayStub(channel)
        for _ in range(600):
            try:
                reply = await stub.ListModels(
                    gateway_pb2.ListModelsRequest(), metadata=metadata, timeout=1
                )
                if set(models) <= {m.name for m in reply.models}:
                    return
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("gateway did not start")


async def measure(
    engines: dict[int, str], gateway: str, gateway_pid: int, args: argparse.Namespace
) -> list[Cell]:
    chars_per_token = 0.0
    counter = itertools.count()
    repeated = itertools.cycle(PROMPTS)
    cells: list[Cell] = []
    async with grpc.aio.insecure_channel(gateway) as gch:
        gw = gateway_pb2_grpc.GatewayStub(gch)
        for rate, address in engines.items():
            async with grpc.aio.insecure_channel(address) as ech:
                stub = engine_stub(ech)
                tokenizer = parse_bundle(await fetch_tokenizer(stub, 10))
                ids = tokenizer.tokenizer.encode(ANSWER, add_special_tokens=False).ids
                chars_per_token = len(ANSWER) / len(ids)

                def encode(prompt: str, tokenizer: ModelTokenizer = tokenizer) -> list[int]:
                    return tokenizer.encode_chat([ChatMessage(Role.USER, prompt)])[1]

                model = f"rate-{rate}"
                readers: dict[str, Reader] = {
                    "direct": direct_reader(stub, tokenizer.tokenizer, encode, args.max_tokens),
                    **{
                        name: gateway_reader(gw, model, key, args.max_tokens)
                        for name, key in KEYS.items()
                    },
                }
                for reader in readers.values():  # warm: tokenizer fetch, channels, spaCy
                    await run_window(reader, lambda: next(repeated), 2, 0.5)
                sets: list[tuple[str, Callable[[], str]]] = [("repeated", lambda: next(repeated))]
                if rate == 5000:
                    sets.append(("new", lambda: f"{PROMPTS[0]} (request {next(counter)})"))
                for prompts_kind, prompts in sets:
                    for concurrency in CONCURRENCY:
                        cells += await _cell(
                            readers, prompts, rate, concurrency, prompts_kind, gateway_pid, args
                        )
    for cell in cells:
        cell.chars_per_token = chars_per_token
    return cells


async def _cell(
    readers: dict[str, Reader],
    prompts: Callable[[], str],
    rate: int,
    concurrency: int,
    prompts_kind: str,
    gateway_pid: int,
    args: argparse.Namespace,
) -> list[Cell]:
    names = list(readers)
    got: dict[str, list[Window]] = {name: [] for name in names}
    cpu: dict[str, float] = dict.fromkeys(names, 0.0)
    for r in range(args.rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            before = tree_cpu_s(gateway_pid)
            window = await run_window(readers[name], prompts, concurrency, args.seconds)
            cpu[name] += tree_cpu_s(gateway_pid) - before
            got[name].append(window)
            await asyncio.sleep(QUIET_S)
    cells = [
        Cell(rate, concurrency, prompts_kind, name, windows, args.seconds, cpu[name])
        for name, windows in got.items()
    ]
    for cell in cells:
        print(cell.brief(cells[0]), flush=True)
    return cells


def start_engine(rate: int, address: str, logs: Path) -> subprocess.Popen[bytes]:
    port = address.rsplit(":", 1)[1]
    return subprocess.Popen(
        [sys.executable, "-m", "bench.vllm_rate.engine", "--rate", str(rate), "--port", port],
        cwd=ROOT,
        stdout=(logs / f"engine-{rate}.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one window")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=256)
    args = parser.parse_args()
    started = time.monotonic()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-rate-") as tmp:
        base = Path(tmp)
        engines = {rate: f"127.0.0.1:{free_port()}" for rate in RATES}
        procs = [start_engine(rate, address, base) for rate, address in engines.items()]
        gateway_address = f"127.0.0.1:{free_port()}"
        config = gateway_config(base, engines, gateway_address)
        gateway = subprocess.Popen(
            [str(Path(sys.executable).with_name("modelgw")), "--log-level", "WARNING", "serve",
             "--config", str(config)],
            cwd=base, stdout=subprocess.DEVNULL, stderr=(base / "gateway.log").open("wb"),
        )  # fmt: skip
        try:
            asyncio.run(wait_gateway(gateway_address, [f"rate-{r}" for r in RATES]))
            cells = asyncio.run(measure(engines, gateway_address, gateway.pid, args))
        finally:
            for proc in [gateway, *procs]:
                proc.terminate()
            for proc in [gateway, *procs]:
                proc.wait(30)
    section = [
        "",
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {machine()}",
        f"- load average (1 min) before / after: {load_before[0]:.1f} / {os.getloadavg()[0]:.1f}"
        " (a shared machine: the engine, the gateway, its detector processes and this client"
        " all share its cores)",
        f"- command: `make bench-rate` (`python -m bench.vllm_rate {' '.join(sys.argv[1:])}`),"
        f" {args.rounds} rounds x {args.seconds:.0f} s windows per path and cell,"
        f" {args.max_tokens} tokens per answer; took {time.monotonic() - started:.0f} s",
        "",
        *table(cells),
    ]
    results = Path(__file__).with_name("RESULTS.md")
    with results.open("a") as out:
        out.write("\n".join(section) + "\n")
    print("\n".join(section))
    print(f"appended to {results}")


if __name__ == "__main__":
    main()
