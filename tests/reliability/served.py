"""`modelgw serve` as a real process over the stalling upstream, for the lifecycle drills.

One process per drill: SIGTERM, client disconnects and the drain are about
what the real server (uvicorn, grpc.aio, signal handling, the spool) does, so
nothing is started in the test process except the fake upstream. Audit
records go to SQLite in the test's folder, through the spool, and are read
back with `sqlite3` once the process has stopped (or while it runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.configs import DEV_KEY, config_file, gateway_config
from tests.e2e.processes import ModelgwProcess, modelgw_process
from tests.ports import free_port

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
HEADERS = {"authorization": f"Bearer {DEV_KEY}"}
SCENARIOS = ("stall", "token-then-stall", "slow", "long")
"""The stalling upstream's models; the gateway serves each under the same name."""


@dataclass
class Served:
    process: ModelgwProcess
    grpc_address: str
    http_url: str
    audit_db: Path

    def records(self) -> dict[str, sqlite3.Row]:
        """The request records (not admin changes) by the caller's own request id."""
        if not self.audit_db.exists():
            return {}
        with contextlib.closing(sqlite3.connect(self.audit_db)) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT client_request_id, status, error, streamed FROM audit_records "
                "WHERE backend <> 'control'"
            ).fetchall()
        return {row["client_request_id"]: row for row in rows}

    def terminate(self, timeout_s: float = 30.0) -> int:
        """SIGTERM, then the exit status (the process must stop within `timeout_s`)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"modelgw serve did not stop within {timeout_s}s") from None


@contextlib.contextmanager
def served(
    tmp_path: Path,
    upstream_url: str,
    *,
    server: Mapping[str, Any] | None = None,
    timeout_s: float = 60.0,
) -> Iterator[Served]:
    """`modelgw serve` with the models of `SCENARIOS` on the upstream at `upstream_url`;
    `server` adds to the `[server]` section, `timeout_s` is the provider's call timeout."""
    grpc_address = f"127.0.0.1:{free_port()}"
    http_address = f"127.0.0.1:{free_port()}"
    config = gateway_config(
        {
            "server": {
                "grpc_address": grpc_address,
                "http_address": http_address,
                **(server or {}),
            },
            "providers": {
                "upstream": {
                    "type": "openai_compatible",
                    "base_url": f"{upstream_url}/v1",
                    "locality": "local",
                    "timeout_s": timeout_s,
                }
            },
            "models": {
                name: {"route": [{"provider": "upstream", "model": name}]} for name in SCENARIOS
            },
            # One detection thread: these drills are about the server, not detection.
            "trust": {"executor": "threads", "workers": 1},
        },
        tmp_path=tmp_path,
    )
    path = config_file(tmp_path / "modelgw.yaml", config)
    with modelgw_process(["serve", "--config", path], grpc_address, tmp_path) as process:
        yield Served(process, grpc_address, f"http://{http_address}", tmp_path / "audit.db")


async def wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Poll `condition` every 50 ms for up to `timeout_s`; whether it came true."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.05)
    return True
