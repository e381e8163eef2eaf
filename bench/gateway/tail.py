"""Bench: the latency tail of one caller (p50, p99, p99.9, max) through `modelgw serve`.

    python -m bench.gateway.tail [--requests 3000]

Starts the mock upstream and `modelgw serve` with embedded defaults (the `modelgw`
target of `make bench-gateway`), warms up with 200 requests, then sends the same
chat body sequentially on one keep-alive connection and prints the distribution and
how many requests took over 20 ms (issue 19 saw 80-140 ms stalls at p99.9).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.gateway import prompts
from bench.gateway.load import sequential
from bench.gateway.modelgw import Modelgw
from tests.ports import free_port

STALL_MS = 20.0


async def main(requests: int, mock_port: int, work: Path) -> None:
    target = Modelgw(mock_port, work, work, free_port())
    target.install()
    target.start()
    try:
        await target.ready()
        endpoint = target.endpoint()
        await sequential(endpoint, prompts.plain, 200, False)
        replies = await sequential(endpoint, prompts.plain, requests, False)
    finally:
        target.stop()
    times = sorted(r.seconds * 1000 for r in replies)

    def at(share: float) -> float:
        return times[min(len(times) - 1, int(share * len(times)))]

    stalls = sum(1 for t in times if t > STALL_MS)
    print(
        f"{requests} requests: p50 {at(0.5):.2f} ms, p99 {at(0.99):.2f} ms, "
        f"p99.9 {at(0.999):.2f} ms, max {times[-1]:.2f} ms; over {STALL_MS:g} ms: {stalls}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    port = free_port()
    mock = subprocess.Popen([sys.executable, "-m", "bench.gateway.mock", "--port", str(port)])
    try:
        asyncio.run(main(args.requests, port, Path(tempfile.mkdtemp(prefix="bench-tail-"))))
    finally:
        mock.terminate()
