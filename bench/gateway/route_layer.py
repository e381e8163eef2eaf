"""The HTTP layer alone, old against new: CPU per chat request of the app, no gateway behind it.

    PYTHONPATH=services:. python -m bench.gateway.route_layer [--before main] [--requests 20000]

Not a test: figures for a report. `route_cost` measures whole `modelgw serve`
processes, whose CPU goes mostly to the pipeline, the trust layer and the
audit log; this isolates the HTTP layer: `create_app` over the stand-in
gateway of `tests/fakes/door.py` (it answers at once: no trust layer, no
backend, no audit), called in-process with raw ASGI messages (no server, no
socket), with the benchmark's plain 1.2 KB body, unary and streamed (the
mock's 30 deltas). Two worker processes, one importing the `services/` of
`--before` and one this checkout's, take turns measuring blocks of requests,
so that the noise of a shared machine hits both alike; each reports the
process CPU time of its blocks.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.gateway.mock import ANSWER_WORDS
from bench.gateway.prompts import PLAIN
from bench.gateway.route_cost import checkout
from bench.gateway.targets import ROOT

KINDS = ("unary", "stream")
BLOCKS = 10


def _body(kind: str) -> bytes:
    return PLAIN[:-1] + b', "stream": true}' if kind == "stream" else PLAIN


async def _call(app: Any, body: bytes) -> None:
    """One request as a server would make it: the body, then the disconnect after the answer."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    answered = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop()
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            answered.set()

    headers = [
        (b"host", b"127.0.0.1:8080"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"authorization", b"Bearer good"),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/chat/completions",
        "raw_path": b"/v1/chat/completions",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8080),
        "state": {},
    }
    await app(scope, receive, send)


async def _worker() -> None:
    """Builds the app from whatever `modelgw` is on the path, then measures on command."""
    from modelgw.common.config.schema import TelemetryConfig
    from modelgw.common.telemetry import build_tracer_provider, install_tracer_provider
    from modelgw.gateway.http.app import create_app
    from tests.fakes.door import FakeGateway

    install_tracer_provider(build_tracer_provider(TelemetryConfig(), "gateway"))
    words = [w if i == 0 else " " + w for i, w in enumerate(ANSWER_WORDS)]
    gateway = FakeGateway(text=" ".join(ANSWER_WORDS), deltas=words)
    app = create_app(gateway, gateway, max_body_bytes=1 << 20)
    for kind in KINDS:
        for _ in range(300):
            await _call(app, _body(kind))
    gateway.requests.clear()
    gc.collect()
    gc.freeze()  # as `modelgw serve` does after startup
    print("ready", flush=True)
    for line in sys.stdin:
        kind, count = line.split()
        body = _body(kind)
        started = time.process_time()
        for _ in range(int(count)):
            await _call(app, body)
        gateway.requests.clear()
        print(time.process_time() - started, flush=True)


class Worker:
    def __init__(self, name: str, services: Path) -> None:
        self.name = name
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(services), str(ROOT)])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.gateway.route_layer", "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"{name}: the worker did not start")

    def measure(self, kind: str, count: int) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{kind} {count}\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="main", help="git revision of `old` (default main)")
    parser.add_argument("--requests", type=int, default=20000, help="per side, unary")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        import uvloop

        uvloop.run(_worker())
        return
    with tempfile.TemporaryDirectory(prefix="bench-route-layer-") as tmp:
        workers = [
            Worker("old", checkout(args.before, Path(tmp))),
            Worker("new", ROOT / "services"),
        ]
        try:
            cpu = {(w.name, k): 0.0 for w in workers for k in KINDS}
            counts = {"unary": args.requests, "stream": max(1, args.requests // 5)}
            for block in range(BLOCKS):
                for kind in KINDS:
                    for worker in workers if block % 2 else workers[::-1]:
                        cpu[worker.name, kind] += worker.measure(kind, counts[kind] // BLOCKS)
        finally:
            for worker in workers:
                worker.close()
    print(f"### HTTP layer alone: old `{args.before}` vs new (this checkout)\n")
    print(f"`PYTHONPATH=services:. python -m bench.gateway.route_layer {' '.join(sys.argv[1:])}`")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    print("| request | old us CPU | new us CPU | new/old |\n|---|---|---|---|")
    for kind in KINDS:
        n = counts[kind] // BLOCKS * BLOCKS
        old, new = (cpu[side, kind] / n * 1e6 for side in ("old", "new"))
        label = "unary" if kind == "unary" else f"stream ({len(ANSWER_WORDS)} deltas)"
        print(f"| {label} | {old:.0f} | {new:.0f} | x{new / old:.2f} |")


if __name__ == "__main__":
    main()
