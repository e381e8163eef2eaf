"""Drill (#18): an upstream that fails, on both doors, with what the caller got and what it cost.

A real `modelgw serve` routes each model to a failing upstream first and a healthy
fallback second (`routing/engine.py` documents what must happen):
- 5xx: retried on the same backend (2 tries per backend), then the fallback answers.
- hang (no byte before the backend's `timeout_s`): each try times out, is retried, then
  the fallback answers, well within the caller's deadline; with no fallback, the
  caller's deadline ends the request (DEADLINE_EXCEEDED), not the retries.
- death mid-stream after the first token: the caller has that token and then an error;
  nothing is retried and the fallback is not called (it would repeat the text).
- 400: the caller's error (INVALID_ARGUMENT / 400) at once, no retry, no fallback.
For each case the test prints the caller's status, the upstream calls made (failing
backend + fallback), the time taken, and the request's audit records (exactly one).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
import pytest

from modelgw.api.v1 import gateway_pb2_grpc
from tests.configs import DEV_KEY
from tests.fakes.server import RecordingServer
from tests.reliability.doors import Outcome, ask_grpc, ask_http
from tests.reliability.on_command import calls, on_command
from tests.reliability.served import served

pytestmark = pytest.mark.drill

TIMEOUT_S = 2.0
"""The failing backend's call timeout: a hang costs this per try."""
DEADLINE_S = 3.0
"""The caller's deadline in the case with no fallback: shorter than the two tries."""


@dataclass(frozen=True)
class Case:
    name: str
    behaviour: str
    """The upstream model of the failing backend (`on_command`)."""
    door: str
    stream: bool = False
    fallback: bool = True
    deadline_s: float = 30.0


CASES = [
    Case(f"{behaviour}-{door}", behaviour, door, stream=behaviour == "die")
    for behaviour in ("5xx", "hang", "die", "400")
    for door in ("grpc", "http")
] + [Case("hang-grpc-alone", "hang", "grpc", fallback=False, deadline_s=DEADLINE_S)]


def _model(case: Case) -> str:
    return f"{case.behaviour}-{'fallback' if case.fallback else 'alone'}"


def _changes() -> dict:
    models = {}
    for behaviour in ("5xx", "hang", "die", "400"):
        failing = {"provider": "failing", "model": behaviour}
        models[f"{behaviour}-fallback"] = {
            "route": [failing, {"provider": "upstream", "model": "ok"}]
        }
        models[f"{behaviour}-alone"] = {"route": [failing]}
    return {
        "providers": {"failing": {"timeout_s": TIMEOUT_S}},
        "models": models,
        # Every case fails the same backend: its breaker must not open midway and skip it.
        "routing": {"breaker": {"failure_threshold": 1000}},
    }


def _records(audit_db: Path) -> dict[str, list[str]]:
    with contextlib.closing(sqlite3.connect(audit_db)) as db:
        rows = db.execute(
            "SELECT client_request_id, status FROM audit_records WHERE backend <> 'control'"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for request_id, status in rows:
        found.setdefault(request_id, []).append(status)
    return found


async def _ask(case: Case, stub: gateway_pb2_grpc.GatewayAsyncStub, base: str) -> Outcome:
    prompt = f"Please answer [{case.name}] in one sentence."
    model, stream, deadline_s = _model(case), case.stream, case.deadline_s
    if case.door == "grpc":
        return await ask_grpc(
            stub, DEV_KEY, model, prompt, stream=stream, request_id=case.name, timeout_s=deadline_s
        )
    async with httpx.AsyncClient() as client:
        return await ask_http(
            client,
            base,
            DEV_KEY,
            model,
            prompt,
            stream=stream,
            request_id=case.name,
            timeout_s=deadline_s,
        )


async def test_drill_provider_faults(tmp_path: Path) -> None:
    outcomes: dict[str, Outcome] = {}
    tries: dict[str, tuple[int, int]] = {}
    async with RecordingServer(on_command) as upstream:
        changes = _changes()
        changes["providers"]["failing"].update(
            type="openai_compatible", base_url=f"{upstream.url}/v1", locality="local"
        )
        with served(tmp_path, upstream.url, changes=changes) as gateway:
            async with grpc.aio.insecure_channel(gateway.grpc_address) as channel:
                stub = gateway_pb2_grpc.GatewayStub(channel)
                for case in CASES:  # one at a time: each case's time is its own
                    outcomes[case.name] = await _ask(case, stub, gateway.http_url)
                await asyncio.sleep(1.0)  # a retry the engine might still send would land
            for case in CASES:
                marker = f"[{case.name}]"
                tries[case.name] = (
                    calls(upstream.requests, case.behaviour, marker),
                    calls(upstream.requests, "ok", marker),
                )
            assert await asyncio.to_thread(gateway.terminate) == 0
    records = _records(gateway.audit_db)
    print(f"\nDRILL provider faults (failing backend timeout_s {TIMEOUT_S}, 2 tries per backend):")
    for case in CASES:
        got = outcomes[case.name]
        told = f" tokens {len(got.tokens)}, then: {got.error[:90]}" if not got.ok else ""
        print(
            f"  {case.name:16s} caller got {got.status:17s} in {got.seconds:5.2f} s; upstream "
            f"calls: failing {tries[case.name][0]}, fallback {tries[case.name][1]}; audit "
            f"{records.get(case.name)}{told}"
        )
    for case in CASES:
        got, (failing, fallback) = outcomes[case.name], tries[case.name]
        assert len(records.get(case.name, [])) == 1, (case.name, records.get(case.name))
        if case.behaviour in {"5xx", "hang"} and case.fallback:
            assert got.ok, (case.name, got)
            assert (failing, fallback) == (2, 1), case.name
            assert records[case.name] == ["OK"]
        elif case.behaviour == "hang":  # alone: the caller's deadline ends it
            assert got.status == "DEADLINE_EXCEEDED", got
            assert records[case.name] == ["DEADLINE_EXCEEDED"], records[case.name]
            assert failing <= 2 and got.seconds < DEADLINE_S + 2.0
        elif case.behaviour == "die":
            assert got.tokens and not got.ok, (case.name, got)
            assert (failing, fallback) == (1, 0), case.name
        else:  # 400: the caller's own error, at once
            assert got.status == {"grpc": "INVALID_ARGUMENT", "http": "400"}[case.door], got
            assert (failing, fallback) == (1, 0), case.name
    for case in CASES:
        if case.behaviour == "hang" and case.fallback:
            assert 2 * TIMEOUT_S * 0.9 < outcomes[case.name].seconds < case.deadline_s
