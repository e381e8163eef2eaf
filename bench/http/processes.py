"""Bench: `server.processes` 1 against N, side by side in one run.

    python -m bench.http.processes [--processes 2] [--concurrency 32] [--seconds 5]

Starts two `modelgw serve` processes on the same config (echo backend, trust layer,
Postgres audit and control stores, Redis quotas, response cache off), one with
`server.processes = 1` and one with N, each on its own fresh Postgres database, then:
- latency: sequential unary requests, alternating between the two, p50/p99;
- throughput: C concurrent callers (each its own connection) for a fixed time, rounds
  alternating between the two; CPU is the whole process tree's (gateways, trust process,
  detector processes, supervisor) user + system time per request.
The load generator is one Python process on the same machine: on 2 cores it takes a
core of its own, which caps what N gateways can show there. Prints a markdown table;
`--out FILE` appends it. Needs Postgres and Redis (`PG_DSN`, `REDIS_URL` as in tests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from bench.gateway.proc import cpu_s
from bench.http.before_after import BODY, KEY, PROMPT, _ms, _throughput, free_port
from modelgw.common.config.defaults import embedded_config

PG_DSN = os.environ.get("PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


class Served:
    """One `modelgw serve` with `processes` gateway processes on a database of its own."""

    def __init__(self, processes: int, workdir: Path, database: str, trust: str) -> None:
        self.name = f"processes={processes}" + (f", {trust} trust" if processes > 1 else "")
        self.port = free_port()
        base = PG_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        url = f"{base}/{database}"
        config = embedded_config(KEY).model_dump(mode="json", exclude_defaults=True)
        config |= {
            "cache": {"backend": "none"},
            "audit": {"url": url},
            "control": {"url": url},
            "quotas": {
                "store": "redis",
                "redis_url": REDIS_URL,
                "key_prefix": f"modelgw-bench:{uuid.uuid4().hex[:8]}:",
            },
            "server": {
                **config.get("server", {}),
                "processes": processes,
                "process_trust": trust,
            },
        }
        (workdir / "modelgw.yaml").write_text(json.dumps(config))
        env = {**os.environ, "MODELGW_STATE_DIR": str(workdir / "state")}
        command = [
            sys.executable, "-m", "modelgw.cli", "--log-level", "WARNING", "serve",
            "--config", str(workdir / "modelgw.yaml"),
            "--listen", f"127.0.0.1:{free_port()}", "--http-listen", f"127.0.0.1:{self.port}",
        ]  # fmt: skip
        self.log = workdir / "serve.log"
        self.process = subprocess.Popen(command, cwd=workdir, env=env, stderr=self.log.open("wb"))
        self.client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}",
            headers={"authorization": f"Bearer {KEY}"},
            limits=httpx.Limits(max_connections=128, max_keepalive_connections=128),
            timeout=60,
        )

    async def ready(self, processes: int) -> None:
        """Until every gateway process answers: the supervisor says so on stderr."""
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                answered = (await self.client.get("/healthz")).status_code == 200
            except httpx.TransportError:
                answered = False
            if answered and (processes == 1 or "gateway processes share" in self.log.read_text()):
                return
            await asyncio.sleep(0.5)
        raise SystemExit(f"{self.name}: not ready in 600 s")

    async def unary(self) -> None:
        response = await self.client.post("/v1/chat/completions", json=BODY)
        response.raise_for_status()
        assert response.json()["choices"][0]["message"]["content"] == PROMPT

    async def close(self) -> None:
        await self.client.aclose()
        self.process.terminate()
        self.process.wait(120)


async def _bench(args: argparse.Namespace, root: Path) -> list[str]:
    names = [f"modelgw_bench_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = await asyncpg.connect(PG_DSN)
    for name in names:
        await admin.execute(f'CREATE DATABASE "{name}"')
    counts = (1, args.processes)
    servers = []
    try:
        for n, name in zip(counts, names, strict=True):
            (root / name).mkdir()
            servers.append(Served(n, root / name, name, args.trust))
        for server, n in zip(servers, counts, strict=True):
            await server.ready(n)
        for _ in range(50):  # warm: connections, spaCy, the detection memo
            for server in servers:
                await server.unary()
        samples: dict[str, list[float]] = {s.name: [] for s in servers}
        for i in range(args.requests):
            for server in servers if i % 2 else servers[::-1]:
                start = time.perf_counter()
                await server.unary()
                samples[server.name].append(time.perf_counter() - start)
        done = {s.name: 0 for s in servers}
        cpu = {s.name: 0.0 for s in servers}
        for r in range(args.rounds):
            for server in servers if r % 2 else servers[::-1]:
                before = cpu_s([server.process.pid])
                done[server.name] += await _throughput(server.unary, args.concurrency, args.seconds)
                cpu[server.name] += cpu_s([server.process.pid]) - before
    finally:
        for server in servers:
            await server.close()
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    seconds = args.rounds * args.seconds
    one, many = (s.name for s in servers)
    rows = [
        f"\n### `server.processes` 1 vs {args.processes} ({args.trust} trust), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC,"
        f" load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores\n",
        f"`python -m bench.http.processes --processes {args.processes} --trust {args.trust} "
        f"--concurrency "
        f"{args.concurrency} --seconds {args.seconds} --rounds {args.rounds}`\n",
        f"| | {one} | {many} | ratio |",
        "|---|---|---|---|",
    ]
    p50 = {n: statistics.median(s) * 1000 for n, s in samples.items()}
    rows.append(
        f"| unary c=1 p50 / p99 | {p50[one]:.2f} / {_ms(samples[one], 0.99):.1f} ms "
        f"| {p50[many]:.2f} / {_ms(samples[many], 0.99):.1f} ms | x{p50[many] / p50[one]:.2f} |"
    )
    rps = {n: done[n] / seconds for n in done}
    rows.append(
        f"| unary c={args.concurrency} | {rps[one]:.0f} req/s | {rps[many]:.0f} req/s "
        f"| x{rps[many] / rps[one]:.2f} |"
    )
    cpu_ms = {n: cpu[n] * 1000 / max(1, done[n]) for n in done}
    rows.append(
        f"| CPU per request (process tree) | {cpu_ms[one]:.2f} ms | {cpu_ms[many]:.2f} ms "
        f"| x{cpu_ms[many] / cpu_ms[one]:.2f} |"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--trust", choices=("shared", "own"), default="shared", help="server.process_trust"
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="modelgw-bench-processes-") as root:
        rows = asyncio.run(_bench(args, Path(root)))
    text = "\n".join(rows) + "\n"
    print(text)
    if args.out:
        with args.out.open("a") as out:
            out.write(text)


if __name__ == "__main__":
    main()
