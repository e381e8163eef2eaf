"""Bench: the request path of two versions of modelgw side by side, in one run.

    python bench/http/before_after.py [--before main] [--requests 300] [--seconds 5]

Starts two `modelgw serve` processes on the same config (embedded defaults:
echo backend, trust layer, SQLite audit; response cache off, as in issue
19's measurements): `before` runs the code of a git revision (its `services/`
put first on PYTHONPATH), `after` the code of this checkout, each in its own
state directory. Then, alternating between them request by request so that
machine noise hits both alike, it sends the same OpenAI-style chat body
(temperature 0, a name and an e-mail in the prompt) over HTTP:
- latency: sequential requests, p50/p99 per version, unary and streamed;
- throughput: N concurrent callers for a fixed time, rounds alternating;
- CPU: user + system seconds of each server process per request.
Prints a markdown table with the ratios after/before; `--out FILE` appends it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import httpx

from modelgw.common.config.defaults import embedded_config

ROOT = Path(__file__).resolve().parents[2]
KEY = "mgw_bench_before_after_0123456789"
PROMPT = "Hi, I am John Smith. Write to john.smith@example.com about order 4417."
BODY = {"model": "echo", "messages": [{"role": "user", "content": PROMPT}], "temperature": 0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _checkout(revision: str, into: Path) -> Path:
    """`services/` of `revision`, unpacked under `into` (no worktree to clean up)."""
    archive = subprocess.run(
        ["git", "archive", revision, "services"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "services"


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, name: str, workdir: Path, services: Path | None) -> None:
        self.name = name
        self.port = free_port()
        config = embedded_config(KEY).model_dump(mode="json", exclude_defaults=True)
        config["cache"] = {"backend": "none"}
        (workdir / "modelgw.yaml").write_text(json.dumps(config))
        env = {**os.environ, "MODELGW_STATE_DIR": str(workdir / "state")}
        if services is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(services), str(ROOT)]))
        command = [
            sys.executable, "-m", "modelgw.cli", "--log-level", "WARNING", "serve",
            "--config", str(workdir / "modelgw.yaml"),
            "--listen", f"127.0.0.1:{free_port()}", "--http-listen", f"127.0.0.1:{self.port}",
        ]  # fmt: skip
        self.log = workdir / "serve.log"  # a file, not a pipe nobody reads while it fills
        self.process = subprocess.Popen(command, cwd=workdir, env=env, stderr=self.log.open("wb"))
        self.client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}",
            headers={"authorization": f"Bearer {KEY}"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
            timeout=60,
        )

    async def ready(self) -> None:
        for _ in range(600):
            if self.process.poll() is not None:
                stderr = self.log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"{self.name}: modelgw serve exited: {stderr}")
            try:
                if (await self.client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise SystemExit(f"{self.name}: not ready in 120 s")

    async def unary(self) -> None:
        response = await self.client.post("/v1/chat/completions", json=BODY)
        response.raise_for_status()
        assert response.json()["choices"][0]["message"]["content"] == PROMPT

    async def stream(self) -> None:
        async with self.client.stream(
            "POST", "/v1/chat/completions", json={**BODY, "stream": True}
        ) as response:
            response.raise_for_status()
            async for _ in response.aiter_lines():
                pass

    async def close(self) -> None:
        await self.client.aclose()
        self.process.terminate()
        self.process.wait(60)


async def _latency(servers: list[Server], n: int, kind: str) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {s.name: [] for s in servers}
    for i in range(n):
        for server in servers if i % 2 else servers[::-1]:
            call = server.unary if kind == "unary" else server.stream
            start = time.perf_counter()
            await call()
            samples[server.name].append(time.perf_counter() - start)
    return samples


async def _throughput(call: Callable[[], Awaitable[None]], concurrency: int, seconds: float) -> int:
    done = 0
    stop_at = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            await call()
            done += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _bench(servers: list[Server], args: argparse.Namespace) -> list[str]:
    await asyncio.gather(*(s.ready() for s in servers))
    for _ in range(30):  # warm: connections, spaCy, the detection memo
        for server in servers:
            await server.unary()
            await server.stream()
    rows = []
    for kind in ("unary", "stream"):
        cpu0 = {s.name: _cpu_s(s.process.pid) for s in servers}
        samples = await _latency(servers, args.requests, kind)
        cpu = {s.name: (_cpu_s(s.process.pid) - cpu0[s.name]) / args.requests for s in servers}
        cells = {
            s.name: (
                statistics.median(samples[s.name]) * 1000,
                _ms(samples[s.name], 0.99),
                _ms(samples[s.name], 0.999),
                cpu[s.name] * 1000,
            )
            for s in servers
        }
        rows.append(_row(f"{kind}, c=1", cells))
    done: dict[str, int] = {s.name: 0 for s in servers}
    cpu_used: dict[str, float] = {s.name: 0.0 for s in servers}
    for r in range(args.rounds):
        for server in servers if r % 2 else servers[::-1]:
            started_cpu = _cpu_s(server.process.pid)
            done[server.name] += await _throughput(server.unary, args.concurrency, args.seconds)
            cpu_used[server.name] += _cpu_s(server.process.pid) - started_cpu
    seconds = args.rounds * args.seconds
    rps = {name: n / seconds for name, n in done.items()}
    cpu_ms = {name: cpu_used[name] * 1000 / max(1, done[name]) for name in done}
    before, after = (s.name for s in servers)
    rows.append(
        f"| unary, c={args.concurrency} | {rps[before]:.0f} req/s | {rps[after]:.0f} req/s "
        f"| x{rps[after] / rps[before]:.2f} | CPU {cpu_ms[before]:.2f} -> "
        f"{cpu_ms[after]:.2f} ms/req (x{cpu_ms[after] / cpu_ms[before]:.2f}) |"
    )
    return rows


def _row(kind: str, cells: dict[str, tuple[float, float, float, float]]) -> str:
    (b50, b99, b999, bcpu), (a50, a99, a999, acpu) = cells.values()
    return (
        f"| {kind} | p50 {b50:.2f} / p99 {b99:.1f} / p99.9 {b999:.1f} ms "
        f"| p50 {a50:.2f} / p99 {a99:.1f} / p99.9 {a999:.1f} ms "
        f"| x{a50 / b50:.2f} | CPU {bcpu:.2f} -> {acpu:.2f} ms/req (x{acpu / bcpu:.2f}) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="main", help="git revision to compare against")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-before-after-") as tmp:
        base = Path(tmp)
        for side in ("before", "after"):
            (base / side).mkdir()
        services = _checkout(args.before, base / "before")
        servers = [
            Server("before", base / "before", services),
            Server("after", base / "after", None),
        ]

        async def run() -> list[str]:
            try:
                return await _bench(servers, args)
            finally:
                for server in servers:
                    await server.close()

        rows = asyncio.run(run())
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"### before `{args.before}` vs after `{head}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`python bench/http/before_after.py {' '.join(sys.argv[1:])}`; load average "
        f"{load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; HTTP, echo backend, "
        "temperature 0, cache off, the same prompt with a name and an e-mail",
        "",
        "| request | before | after | after/before | server CPU |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    print("\n".join(lines))
    if args.out:
        with args.out.open("a") as out:
            out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
