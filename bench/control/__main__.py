"""Control plane benchmarks: how fast an apply reaches gateways, and what following costs.

    make bench-control          # or: python -m bench.control --applies 100

Runs against the Postgres of MODELGW_TEST_PG_DSN (default the local one) in a
throwaway database, and appends a result block (with the machine's load) to
bench/control/results.md.

* propagation: `modelgw control` runs as its own process over Postgres; this
  process applies N versions through its admin API, one after another, and
  measures, for each, the time from the apply's answer (the version is
  committed) until two followers serve it: one that listens on Postgres itself
  (LISTEN/NOTIFY, like `modelgw serve` or a gateway with `[control] url`), one
  that follows the control service over gRPC (its watch stream and
  SyncTenants, like a gateway with `services.control_address`). The periodic
  check is set to a minute, so what arrives sooner came by notification.
* request path: a request reads its tenant from the snapshot a follower swaps
  (`LiveTenants.current().get(name)`); the baseline is the fixed `Tenants` of
  a config file. Both are timed in a tight loop, the live one while versions
  are applied under it, and then inside `CallerAuthenticator.authenticate`
  (with the key cache warm), which is what the front doors call.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import grpc
import yaml

from modelgw.api.v1 import control_pb2, control_pb2_grpc
from modelgw.common.api_keys import hash_api_key
from modelgw.common.config import parse_config
from modelgw.common.tenant import Tenants
from modelgw.control.auth import Authenticator, CallerAuthenticator
from modelgw.control.sync import LiveTenants
from modelgw.runtime import Assembly
from tests.ports import free_port

PG_DSN = os.environ.get("MODELGW_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
RESULTS = Path(__file__).with_name("results.md")
TOKEN_ENV = "MODELGW_BENCH_INTERNAL_TOKEN"
TOKEN = "bench-control-internal-token-0123456789"
ADMIN_KEY = "mgw_bench_platform_admin_key_000"
USER_KEY = "mgw_bench_user_key_00000000000000"
AUTH = (("authorization", f"Bearer {ADMIN_KEY}"),)


def _config(pg_url: str, port: int, **services: str) -> dict[str, Any]:
    return {
        "services": {
            "control_listen": f"127.0.0.1:{port}",
            "internal_token": f"env:{TOKEN_ENV}",
            **services,
        },
        "providers": {"echo-a": {"type": "echo"}, "echo-b": {"type": "echo"}},
        "models": {"echo": {"route": [{"provider": "echo-a"}]}},
        "tenants": {
            "acme": {"api_keys": [{"id": "user", "sha256": hash_api_key(USER_KEY)}]},
            "globex": {},
        },
        "control": {
            "url": pg_url,
            "sync_interval_s": 60,
            "platform_admin_keys": [{"id": "bench", "sha256": hash_api_key(ADMIN_KEY)}],
        },
        "audit": {"spool": {"enabled": False}},
    }


def _document(version: int) -> str:
    backend = "echo-a" if version % 2 else "echo-b"
    route = f"    route: [{{provider: {backend}}}]\n"
    return f"tenant: acme\ndisplay_name: v{version}\nmodels:\n  m:\n{route}"


@contextlib.asynccontextmanager
async def _database() -> AsyncIterator[str]:
    name = f"modelgw_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield f"{PG_DSN.rsplit('/', 1)[0]}/{name}"
    finally:
        conn = await asyncpg.connect(PG_DSN)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@contextlib.contextmanager
def _control_process(config: dict[str, Any], port: int, workdir: Path) -> Any:
    path = workdir / "control.yaml"
    path.write_text(yaml.safe_dump(config))
    log = (workdir / "control.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "modelgw.cli", "control", "--config", str(path)],
        env={**os.environ, TOKEN_ENV: TOKEN},
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


async def _wait_ready(stub: control_pb2_grpc.ControlAsyncStub) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            await stub.ListTenants(control_pb2.ListTenantsRequest(), metadata=AUTH, timeout=2)
            return
        except grpc.aio.AioRpcError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


def _pcts(values: list[float]) -> str:
    ordered = sorted(values)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"p50 **{p50 * 1000:.1f} ms**, p99 **{p99 * 1000:.1f} ms**, max {ordered[-1] * 1000:.1f} ms"
    )


async def _propagation(pg_dsn: str, applies: int, workdir: Path) -> tuple[list[str], LiveTenants]:
    pg_url = pg_dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    port = free_port()
    control = f"127.0.0.1:{port}"
    os.environ[TOKEN_ENV] = TOKEN
    with _control_process(_config(pg_url, port), port, workdir):
        async with grpc.aio.insecure_channel(control) as channel:
            stub = control_pb2_grpc.ControlStub(channel)
            await _wait_ready(stub)
            listening = Assembly(parse_config(_config(pg_url, free_port())))
            remote = Assembly(parse_config(_config(pg_url, free_port(), control_address=control)))
            try:
                followers = {
                    "LISTEN/NOTIFY on Postgres": await listening.live_tenants(),
                    "over gRPC from `modelgw control`": await remote.live_tenants(),
                }
                apply_s: list[float] = []
                seen: dict[str, list[float]] = {name: [] for name in followers}
                for version in range(2, applies + 2):
                    start = time.monotonic()
                    reply = await stub.ApplyTenant(
                        control_pb2.ApplyTenantRequest(document=_document(version)), metadata=AUTH
                    )
                    apply_s.append(time.monotonic() - start)
                    assert reply.outcomes[0].version == version, reply
                    for live in followers.values():
                        assert await live.wait_for("acme", version, timeout_s=30), version
                    made = await stub.GetTenant(
                        control_pb2.GetTenantRequest(tenant="acme", version=version), metadata=AUTH
                    )
                    stamped = made.created_at.ToDatetime(tzinfo=UTC)
                    for name, live in followers.items():
                        served = live.status().since["acme"]
                        seen[name].append((served - stamped).total_seconds())
                lines = [
                    f"- apply through the admin API (validate, diff, commit): {_pcts(apply_s)}"
                ]
                for name, took in seen.items():
                    lines.append(f"- version stamped -> served, follower {name}: {_pcts(took)}")
                live = followers["LISTEN/NOTIFY on Postgres"]
                request_path = await _request_path(live, stub, applies)
                return lines + request_path, live
            finally:
                await listening.close()
                await remote.close()


def _loop_ns(read: Callable[[], object], rounds: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(rounds):
        read()
    return (time.perf_counter_ns() - start) / rounds


async def _request_path(
    live: LiveTenants, stub: control_pb2_grpc.ControlAsyncStub, applies: int
) -> list[str]:
    fixed = Tenants({t.name: t for t in live.current().values()})
    rounds = 200_000
    static_ns = _loop_ns(lambda: fixed.get("acme"), rounds)
    live_ns = _loop_ns(lambda: live.current().get("acme"), rounds)

    # Under swaps: versions applied in the background while requests read their tenant.
    stop = asyncio.Event()
    swapped = 0

    async def churn() -> None:
        nonlocal swapped
        version = live.versions()["acme"]
        while not stop.is_set():
            version += 1
            await stub.ApplyTenant(
                control_pb2.ApplyTenantRequest(document=_document(version)), metadata=AUTH
            )
            swapped += 1

    task = asyncio.create_task(churn())
    samples = []
    before = live.versions()["acme"]
    for _ in range(50):
        samples.append(_loop_ns(lambda: live.current().get("acme"), 2_000))
        await asyncio.sleep(0.01)
    stop.set()
    await task
    after = live.versions()["acme"]

    keys = _FixedKeys()
    static_auth = CallerAuthenticator(Authenticator(keys), lambda: fixed)
    live_auth = CallerAuthenticator(Authenticator(keys), live.current)
    metadata = (("authorization", f"Bearer {USER_KEY}"),)
    auth_static = await _auth_us(static_auth, metadata)
    auth_live = await _auth_us(live_auth, metadata)
    return [
        f"- request path, tenant lookup: fixed snapshot {static_ns:.0f} ns, live snapshot "
        f"**{live_ns:.0f} ns** (+{live_ns - static_ns:.0f} ns); while {after - before} versions "
        f"were applied under it: median {statistics.median(samples):.0f} ns",
        f"- request path, `CallerAuthenticator.authenticate` (key cache warm): fixed "
        f"{auth_static:.2f} us, live **{auth_live:.2f} us**",
        f"- (versions applied during the swap sample: {swapped}; the follower served {after})",
    ]


class _FixedKeys:
    async def resolve(self, key_sha256: str) -> Any:
        from modelgw.control.directory import Principal

        return Principal("acme", "user", frozenset({"user"}))


async def _auth_us(auth: CallerAuthenticator, metadata: Any) -> float:
    rounds = 20_000
    start = time.perf_counter()
    for _ in range(rounds):
        await auth.authenticate(metadata)
    return (time.perf_counter() - start) / rounds * 1e6


async def _run(args: argparse.Namespace) -> None:
    load_before = os.getloadavg()
    async with _database() as dsn:
        with tempfile.TemporaryDirectory() as tmp:
            lines, _ = await _propagation(dsn, args.applies, Path(tmp))
    load_after = os.getloadavg()
    conn = await asyncpg.connect(PG_DSN)
    try:
        pg_version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    block = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- command: `python -m bench.control --applies {args.applies}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg_version}",
        f"- load average (1/5/15 min) before {_load(load_before)}, after {_load(load_after)}",
        f"- {args.applies} applies, one after another; the periodic check is a minute apart",
        *lines,
        "",
    ]
    text = "\n".join(block)
    print(text)
    if not args.no_record:
        previous = RESULTS.read_text() if RESULTS.exists() else "# Control plane benchmark\n\n"
        RESULTS.write_text(previous.rstrip("\n") + "\n\n" + text)


def _load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applies", type=int, default=100)
    parser.add_argument("--no-record", action="store_true", help="print only")
    asyncio.run(_run(parser.parse_args()))


if __name__ == "__main__":
    main()
