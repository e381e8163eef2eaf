"""Bench: what the OpenAI-compatible HTTP front door adds over gRPC for the same request.

Starts `modelgw serve` (embedded defaults: echo backend, trust layer, SQLite
audit) as a child process on free ports, then sends the same chat request
through both front doors of that one process, interleaved so that machine
noise hits both alike:

- latency: sequential unary and streamed requests, median and p95 per door,
  and the HTTP/gRPC ratio of the medians; also list-models, which skips the
  trust layer and so shows the bare cost of each door;
- throughput: requests/s with N concurrent callers for a fixed time, rounds
  alternating between the doors.

Results go to bench/http/results.json and results.md with the machine and
the command. Usage: `make bench-http` or
`python bench/http/run.py [--requests N] [--concurrency C] [--seconds S]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import grpc
import httpx

from modelgw.api.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc

HERE = Path(__file__).resolve().parent
KEY = "mgw_bench_http_key_0123456789"
PROMPT = "Hi, I am John Smith. Write to john.smith@example.com about order 4417."

Call = Callable[[], Awaitable[str]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _machine() -> dict[str, object]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


class Doors:
    """The same request through gRPC and through HTTP, unary and streamed."""

    def __init__(self, grpc_address: str, http_url: str) -> None:
        self.channel = grpc.aio.insecure_channel(grpc_address)
        self.stub = gateway_pb2_grpc.GatewayStub(self.channel)
        self.http = httpx.AsyncClient(
            base_url=http_url,
            headers={"authorization": f"Bearer {KEY}"},
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=256),
            timeout=60,
        )
        self.metadata = (("authorization", f"Bearer {KEY}"),)
        self.request = gateway_pb2.GenerateRequest(
            model="echo",
            messages=[common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=PROMPT)],
        )
        self.body = {"model": "echo", "messages": [{"role": "user", "content": PROMPT}]}

    async def grpc_unary(self) -> str:
        reply = await self.stub.Generate(self.request, metadata=self.metadata)
        return reply.message.content

    async def http_unary(self) -> str:
        response = await self.http.post("/v1/chat/completions", json=self.body)
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]

    async def grpc_stream(self) -> str:
        parts = [
            e.delta async for e in self.stub.GenerateStream(self.request, metadata=self.metadata)
        ]
        return "".join(parts)

    async def http_stream(self) -> str:
        text = []
        body = {**self.body, "stream": True}
        async with self.http.stream("POST", "/v1/chat/completions", json=body) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if line.startswith("data: {"):
                    choices = json.loads(line[6:])["choices"]
                    if choices:
                        text.append(choices[0]["delta"].get("content") or "")
        return "".join(text)

    async def grpc_models(self) -> str:
        reply = await self.stub.ListModels(gateway_pb2.ListModelsRequest(), metadata=self.metadata)
        return reply.models[0].name

    async def http_models(self) -> str:
        response = await self.http.get("/v1/models")
        response.raise_for_status()
        return response.json()["data"][0]["id"]

    async def close(self) -> None:
        await self.channel.close()
        await self.http.aclose()


def _summary(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
    }


async def _latency(pairs: dict[str, tuple[Call, Call]], n: int) -> dict[str, object]:
    results: dict[str, object] = {}
    for kind, (via_grpc, via_http) in pairs.items():
        samples: dict[str, list[float]] = {"grpc": [], "http": []}
        for i in range(n):
            order = [("grpc", via_grpc), ("http", via_http)]
            if i % 2:
                order.reverse()
            for door, call in order:
                start = time.perf_counter()
                text = await call()
                samples[door].append(time.perf_counter() - start)
                assert text in (PROMPT, "echo"), f"{door} {kind} answered {text!r}"
        grpc_s, http_s = _summary(samples["grpc"]), _summary(samples["http"])
        results[kind] = {
            "grpc": grpc_s,
            "http": http_s,
            "http_over_grpc_median_ratio": http_s["median_ms"] / grpc_s["median_ms"],
            "http_added_median_ms": http_s["median_ms"] - grpc_s["median_ms"],
        }
    return results


async def _throughput(call: Call, concurrency: int, seconds: float) -> float:
    done = 0
    stop_at = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            await call()
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - start)


async def _bench(doors: Doors, args: argparse.Namespace) -> dict[str, object]:
    for _ in range(20):  # warm up both doors (connections, spaCy caches)
        await doors.grpc_unary()
        await doors.http_unary()
    latency = await _latency(
        {
            "unary": (doors.grpc_unary, doors.http_unary),
            "stream": (doors.grpc_stream, doors.http_stream),
            "list_models": (doors.grpc_models, doors.http_models),
        },
        args.requests,
    )
    rounds: dict[str, list[float]] = {"grpc": [], "http": []}
    for _ in range(args.rounds):
        rounds["grpc"].append(await _throughput(doors.grpc_unary, args.concurrency, args.seconds))
        rounds["http"].append(await _throughput(doors.http_unary, args.concurrency, args.seconds))
    medians = {door: statistics.median(values) for door, values in rounds.items()}
    throughput: dict[str, object] = {
        door: {"rounds_rps": values, "median_rps": medians[door]} for door, values in rounds.items()
    }
    throughput["http_over_grpc_rps_ratio"] = medians["http"] / medians["grpc"]
    return {"latency": latency, "throughput_unary": throughput}


def _start_server(workdir: Path, grpc_port: int, http_port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MODELGW_DEV_API_KEY": KEY}
    command = [
        sys.executable, "-m", "modelgw.cli", "--log-level", "WARNING", "serve",
        "--listen", f"127.0.0.1:{grpc_port}", "--http-listen", f"127.0.0.1:{http_port}",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=workdir, env=env, stderr=subprocess.PIPE)


def _wait_ready(server: subprocess.Popen[bytes], http_url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stderr.read().decode() if server.stderr else ""
            raise SystemExit(f"modelgw serve exited: {output}")
        try:
            if httpx.get(f"{http_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("modelgw serve did not become ready in 120 s")


def _markdown(result: dict) -> str:
    lines = [
        "# HTTP front door vs gRPC",
        "",
        f"- when: {result['when']}",
        f"- command: `{result['command']}`",
        f"- machine: {result['machine']}",
        f"- setup: {result['setup']}",
        "",
        "| request | door | median ms | p95 ms |",
        "|---|---|---|---|",
    ]
    for kind, entry in result["latency"].items():
        for door in ("grpc", "http"):
            stats = entry[door]
            lines.append(f"| {kind} | {door} | {stats['median_ms']:.2f} | {stats['p95_ms']:.2f} |")
        lines.append(
            f"| {kind} | HTTP/gRPC | x{entry['http_over_grpc_median_ratio']:.2f} "
            f"(+{entry['http_added_median_ms']:.2f} ms) | |"
        )
    tp = result["throughput_unary"]
    lines += [
        "",
        f"Throughput, unary, {result['concurrency']} concurrent callers, "
        f"{result['seconds']} s x {result['rounds']} rounds per door (median):",
        f"gRPC {tp['grpc']['median_rps']:.0f} req/s, HTTP {tp['http']['median_rps']:.0f} req/s, "
        f"ratio HTTP/gRPC x{tp['http_over_grpc_rps_ratio']:.2f}",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per door")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    grpc_port, http_port = _free_port(), _free_port()
    http_url = f"http://127.0.0.1:{http_port}"
    with tempfile.TemporaryDirectory() as workdir:
        server = _start_server(Path(workdir), grpc_port, http_port)
        try:
            _wait_ready(server, http_url)

            async def run() -> dict[str, object]:
                doors = Doors(f"127.0.0.1:{grpc_port}", http_url)
                try:
                    return await _bench(doors, args)
                finally:
                    await doors.close()

            measured = asyncio.run(run())
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "machine": _machine(),
        "setup": "modelgw serve (embedded defaults, echo backend, trust layer on, SQLite audit) "
        "as a child process; client in this process; same prompt with personal data",
        "requests": args.requests,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "rounds": args.rounds,
        **measured,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "results.md").write_text(_markdown(result))
    print(_markdown(result))


if __name__ == "__main__":
    main()
