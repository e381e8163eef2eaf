"""A client that leaves cancels the upstream call and every retry, on both doors (#18, finding 3).

`modelgw serve` (a real process) routes to an upstream that never answers,
with an 8 s call timeout and the default retries (2 tries per backend). Four
clients, each waiting on its own upstream call, leave at once: an HTTP
unary request, an HTTP stream before its first token, and the same two over
gRPC. Each upstream call must be abandoned within seconds of its client
leaving (not at its timeout), none may be tried again, and each request's
audit record says CANCELLED because the client went away.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import grpc
import httpx

from modelgw.api.v1 import gateway_pb2_grpc
from tests.fakes.server import RecordingServer
from tests.fakes.stalling import stalling_upstream
from tests.harness import generate_request
from tests.reliability.served import AUTH, HEADERS, served, wait_until

UPSTREAM_TIMEOUT_S = 8.0
"""Long enough that a call left running shows as one: it would end 7+ s after the client."""
ABANDONED_WITHIN_S = 3.0
"""Generous: the gateway notices the departure and closes the upstream call well within it."""
RETRY_WINDOW_S = 2.5
"""A retry follows a failed try after a backoff of at most 0.1 s at the defaults."""
CASES = ("http-unary", "http-stream", "grpc-unary", "grpc-stream")


async def _http(base: str, case: str) -> None:
    body = {
        "model": "stall",
        "stream": case == "http-stream",
        "messages": [{"role": "user", "content": f"Answer case {case}"}],
    }
    async with httpx.AsyncClient(timeout=60) as client:  # closed, with its socket, on cancel
        await client.post(
            f"{base}/v1/chat/completions",
            json=body,
            headers={**HEADERS, "x-client-request-id": case},
        )


async def _grpc(stub: gateway_pb2_grpc.GatewayAsyncStub, case: str) -> None:
    request = generate_request(f"Answer case {case}", model="stall", request_id=case)
    if case == "grpc-unary":
        await stub.Generate(request, metadata=AUTH, timeout=60)
    else:
        async for _ in stub.GenerateStream(request, metadata=AUTH, timeout=60):
            pass


def _case_of(body: bytes) -> str:
    (case,) = [c for c in CASES if f"case {c}".encode() in body]
    return case


async def test_a_client_that_leaves_cancels_the_upstream_call_and_its_retries(
    tmp_path: Path,
) -> None:
    async with RecordingServer(stalling_upstream) as upstream:
        with served(
            tmp_path, upstream.url, server={"drain_s": 0}, timeout_s=UPSTREAM_TIMEOUT_S
        ) as gateway:
            async with grpc.aio.insecure_channel(gateway.grpc_address) as channel:
                stub = gateway_pb2_grpc.GatewayStub(channel)
                clients = [
                    asyncio.create_task(
                        _http(gateway.http_url, case)
                        if case.startswith("http")
                        else _grpc(stub, case)
                    )
                    for case in CASES
                ]
                deadline = time.monotonic() + 30
                while len(upstream.requests) < len(CASES):  # every client waits on its call
                    assert time.monotonic() < deadline, "the upstream was not called"
                    assert not any(c.done() for c in clients), [c for c in clients if c.done()]
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.5)  # the calls are well under way
                left = time.monotonic()
                for client in clients:
                    client.cancel()
                for client in clients:
                    with contextlib.suppress(asyncio.CancelledError):
                        await client
            await wait_until(lambda: len(upstream.hung_up) == len(CASES), UPSTREAM_TIMEOUT_S + 1)
            await asyncio.sleep(RETRY_WINDOW_S)
            attempts = {case: 0 for case in CASES}
            for request in upstream.requests:
                attempts[_case_of(request.body)] += 1
            abandoned = {_case_of(r.body): round(at - left, 2) for r, at in upstream.hung_up}
            assert await asyncio.to_thread(gateway.terminate) == 0
    records = gateway.records()
    print(
        f"\nclients left at once: upstream attempts {attempts}; "
        f"upstream calls abandoned (s after the client left) {abandoned}"
    )
    for case in CASES:
        assert attempts[case] == 1, f"{case}: {attempts[case]} upstream calls"
        assert case in abandoned, f"{case}: the upstream call ran on after its client left"
        assert abandoned[case] < ABANDONED_WITHIN_S, f"{case}: abandoned after {abandoned[case]}s"
        record = records[case]
        assert (record["status"], record["error"]) == (
            "CANCELLED",
            "client went away before the answer finished",
        ), dict(record)
