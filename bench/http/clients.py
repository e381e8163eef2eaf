"""Bench: CPU per request of the two upstream HTTP clients, side by side on one event loop.

    python -m bench.http.clients [--requests 4000] [--concurrency 32] [--rounds 3]

The gateway's provider transport (`modelgw.providers.transport.client`) was chosen by
this: the same JSON chat body POSTed to the bench mock upstream (`bench/gateway/mock.py`,
its own process) by httpx's `AsyncClient` (the HTTP/2-capable client, `http2: true`) and
by aiohttp's `ClientSession` (the default HTTP/1.1 client), each built the way the
transport builds it (a keep-alive pool of 64, no environment, no redirects), on uvloop,
in alternating rounds. CPU is this process's user + system time per request (the
client's whole cost, the mock excluded); the rate is for the load this one process makes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import uvloop

from bench.gateway.prompts import plain
from modelgw.common.config.provider_fields import HttpProviderMixin
from modelgw.providers.transport.client import Transport, new_client
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _round(
    client: Transport, url: str, body: bytes, requests: int, concurrency: int
) -> tuple[float, float]:
    """(CPU ms per request, requests per second) of `requests` POSTs, `concurrency` at once."""
    headers = {"content-type": "application/json"}

    async def one() -> None:
        response = await client.post(url, body, headers)
        try:
            await response.read()
            assert response.status == 200, response.status
        finally:
            await response.close()

    await asyncio.gather(*(one() for _ in range(concurrency)))  # open the pool first
    gate = asyncio.Semaphore(concurrency)

    async def limited() -> None:
        async with gate:
            await one()

    cpu, started = _cpu_s(), time.perf_counter()
    await asyncio.gather(*(limited() for _ in range(requests)))
    return (_cpu_s() - cpu) / requests * 1000, requests / (time.perf_counter() - started)


def start_mock(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "services")])}
    return subprocess.Popen(
        [sys.executable, "-m", "bench.gateway.mock", "--port", str(port)], cwd=ROOT, env=env
    )


async def main(
    mock: subprocess.Popen[bytes], port: int, requests: int, concurrency: int, rounds: int
) -> None:
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    clients: dict[str, Callable[[], Transport]] = {
        "httpx (http2: true)": lambda: new_client(HttpProviderMixin(http2=True), 30),
        "aiohttp (default)": lambda: new_client(HttpProviderMixin(max_connections=64), 30),
    }
    print(f"- machine: {platform.node()}, {os.cpu_count()} cores, {platform.python_version()}")
    print(f"- load average before: {os.getloadavg()[0]:.2f}")
    print(f"- {requests} requests per round, {concurrency} at once, {rounds} rounds\n")
    print("| round | client | CPU ms/request | requests/s |\n|---|---|---|---|")
    try:
        await asyncio.sleep(1.5)  # the mock starts
        for index in range(rounds):
            for name, make in clients.items():
                client = make()
                run: Awaitable[tuple[float, float]] = _round(
                    client, url, plain(0), requests, concurrency
                )
                try:
                    cpu_ms, rate = await run
                finally:
                    await client.close()
                print(f"| {index} | {name} | {cpu_ms:.3f} | {rate:,.0f} |", flush=True)
    finally:
        mock.terminate()
    print(f"\n- load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    uvloop.run(main(start_mock(port), port, args.requests, args.concurrency, args.rounds))
