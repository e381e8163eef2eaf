"""`modelgw serve` with `server.processes = 2`: two gateway processes on one port, one trust
process, as real processes over the shared Postgres and Redis.

What must hold: new connections reach both gateways (each counts requests on its own
metrics port); every answer is masked on the way out and restored on the way back
through the one trust process; every request leaves one audit record in the shared store;
SIGTERM stops every process cleanly; and a gateway that dies takes the set down with a
non-zero exit instead of leaving a half-served port.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.configs import DEV_KEY, config_file, gateway_config
from tests.conftest import sqlalchemy_url
from tests.e2e.processes import modelgw_process
from tests.ports import free_port

HEADERS = {"authorization": f"Bearer {DEV_KEY}"}
REQUESTS = 24
COUNTED = re.compile(r'^modelgw_requests_total\{[^}]*status="OK"[^}]*\} (\d+)', re.M)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _served(metrics_port: int) -> int:
    """Requests answered OK by the process whose metrics listen on `metrics_port`."""
    text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
    return sum(int(n) for n in COUNTED.findall(text))


def _wait_listening(ports: list[int], timeout_s: float = 300) -> None:
    """Until every gateway's own metrics port answers: each process has started."""
    deadline = time.monotonic() + timeout_s
    for port in ports:
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, f"metrics port {port} never answered"
                time.sleep(0.5)


@pytest.fixture
def two_gateways(
    tmp_path: Path, pg_database: str, redis_prefix: str
) -> Iterator[tuple[subprocess.Popen[bytes], str, int]]:
    """`modelgw serve` with two gateway processes; (the supervisor, HTTP URL, metrics port)."""
    grpc_address = f"127.0.0.1:{free_port()}"
    http_port, metrics_port = free_port(), free_port()
    # Gateways take metrics_port and metrics_port + 1, the trust process metrics_port + 2.
    url = sqlalchemy_url(pg_database)
    config = gateway_config(
        {
            "server": {
                "grpc_address": grpc_address,
                "http_address": f"127.0.0.1:{http_port}",
                "processes": 2,
            },
            "control": {"url": url},
            "quotas": {"store": "redis", "key_prefix": redis_prefix},
            "metrics": {"listen": f"127.0.0.1:{metrics_port}", "on_http_port": False},
            "trust": {"executor": "threads", "workers": 1},
        },
        audit_url=url,
        tmp_path=tmp_path,
    )
    path = config_file(tmp_path / "modelgw.yaml", config)
    # The trust process loads spaCy before any gateway starts: minutes on a loaded machine.
    serve = ["serve", "--config", path]
    with modelgw_process(serve, grpc_address, tmp_path, start_timeout_s=300) as process:
        _wait_listening([metrics_port, metrics_port + 1])
        yield process, f"http://127.0.0.1:{http_port}", metrics_port


async def _audited(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT masked_prompt FROM audit_records WHERE backend = 'echo'")
    finally:
        await conn.close()
    return [str(r["masked_prompt"]) for r in rows]


def test_two_gateway_processes_share_the_port_the_trust_process_and_the_stores(
    two_gateways: tuple[subprocess.Popen[bytes], str, int], pg_database: str
) -> None:
    process, http_url, metrics_port = two_gateways
    for n in range(REQUESTS):
        email = f"jane.roe{n}@example.com"
        body = {"model": "echo", "messages": [{"role": "user", "content": f"I am {email}"}]}
        # A client per request: a new connection, which the kernel may give either process.
        with httpx.Client(headers=HEADERS, timeout=60) as client:
            reply = client.post(f"{http_url}/v1/chat/completions", json=body)
        assert reply.status_code == 200, reply.text
        # The echo backend got the placeholder; the caller gets the address back.
        assert reply.json()["choices"][0]["message"]["content"] == f"I am {email}"

    served = [_served(metrics_port), _served(metrics_port + 1)]
    assert sum(served) == REQUESTS
    assert min(served) > 0, f"one process got every connection: {served}"

    deadline = time.monotonic() + 60
    while len(prompts := asyncio.run(_audited(pg_database))) < REQUESTS:
        assert time.monotonic() < deadline, f"{len(prompts)} of {REQUESTS} requests audited"
        time.sleep(0.5)
    assert len(prompts) == REQUESTS
    assert not any("@example.com" in p for p in prompts), "an address reached the audit log"
    assert all("<EMAIL_ADDRESS_1>" in p for p in prompts)

    # A gateway that dies takes the set down (one start serves both checks: it is slow).
    children = [p for p in _children(process.pid) if _is_modelgw(p)]
    assert len(children) == 3
    os.kill(children[-1], signal.SIGKILL)  # the last started: a gateway
    assert process.wait(timeout=90) == 1
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid), f"{pid} outlived the set"


def _is_modelgw(pid: int) -> bool:
    """A gateway or trust child, not multiprocessing's resource tracker."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    return b"multiprocessing.spawn" in cmdline


def _zombie(pid: int) -> bool:
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_the_children_stop_when_the_supervisor_is_killed(
    two_gateways: tuple[subprocess.Popen[bytes], str, int],
) -> None:
    """kill -9 (or the OOM killer) on the supervisor must not leave gateways bound to the
    shared ports, where a restarted set would share them with stale processes."""
    process, http_url, _ = two_gateways
    children = [p for p in _children(process.pid) if _is_modelgw(p)]
    assert len(children) == 3
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 90  # each drains (drain_s 0) and stops its detectors
    while alive := [p for p in children if Path(f"/proc/{p}").exists() and not _zombie(p)]:
        assert time.monotonic() < deadline, f"{alive} outlived the killed supervisor"
        time.sleep(0.5)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{http_url}/healthz", timeout=5)
