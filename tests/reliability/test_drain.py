"""After SIGTERM the gateway reports NOT_SERVING while it still serves, then stops (#18, 5).

`modelgw serve` (a real process) with `server.drain_s = 4`, then
`shutdown_grace_s = 10`. A stream that takes 8 s is under way when SIGTERM
arrives. Within the drain: gRPC health says NOT_SERVING and `/healthz` 503,
yet new requests on both doors are answered. After it: new connections are
refused, while the stream still runs to its end within the grace period.
Every request is audited OK and the process exits 0.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2

from modelgw.api.v1 import gateway_pb2, gateway_pb2_grpc
from modelgw.common.health import health_stub
from tests.fakes.server import RecordingServer
from tests.fakes.stalling import LONG_TOKENS, stalling_upstream
from tests.harness import generate_request
from tests.reliability.served import AUTH, HEADERS, served, wait_until

DRAIN_S = 4.0
GRACE_S = 10.0
NOTICED_WITHIN_S = 2.0
"""Generous: the health status turns as the signal is handled."""


def _chat(model: str, client_id: str, stream: bool = False) -> dict[str, object]:
    return {
        "model": model,
        "stream": stream,
        "messages": [{"role": "user", "content": f"Answer request {client_id}"}],
    }


async def _long_stream(base: str) -> str:
    """The whole streamed answer's text (its content deltas joined), read to its end."""
    text = ""
    headers = {**HEADERS, "x-client-request-id": "long"}
    async with (
        httpx.AsyncClient(timeout=60) as client,
        client.stream(
            "POST", f"{base}/v1/chat/completions", json=_chat("long", "long", True), headers=headers
        ) as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data: {"):
                for choice in json.loads(line.removeprefix("data: "))["choices"]:
                    text += choice["delta"].get("content") or ""
    return text


async def _http_slow(base: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(
            f"{base}/v1/chat/completions",
            json=_chat("slow", "during-drain-http"),
            headers={**HEADERS, "x-client-request-id": "during-drain-http"},
        )


async def _grpc_slow(address: str) -> gateway_pb2.GenerateResponse:
    request = generate_request(
        "Answer request during-drain-grpc", "slow", request_id="during-drain-grpc"
    )
    async with grpc.aio.insecure_channel(address) as channel:
        stub = gateway_pb2_grpc.GatewayStub(channel)
        return await stub.Generate(request, metadata=AUTH, timeout=30)


async def _status(address: str) -> str:
    async with grpc.aio.insecure_channel(address) as channel:
        try:
            reply = await health_stub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.aio.AioRpcError as exc:
            return exc.code().name
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


async def _healthz(base: str) -> int | str:
    try:
        async with httpx.AsyncClient(timeout=1) as client:
            return (await client.get(f"{base}/healthz")).status_code
    except httpx.TransportError as exc:
        return type(exc).__name__


async def test_drain_reports_not_serving_while_serving_then_finishes_in_flight_work(
    tmp_path: Path,
) -> None:
    async with RecordingServer(stalling_upstream) as upstream:
        with served(
            tmp_path, upstream.url, server={"drain_s": DRAIN_S, "shutdown_grace_s": GRACE_S}
        ) as gateway:
            base, address = gateway.http_url, gateway.grpc_address
            assert await _status(address) == "SERVING" and await _healthz(base) == 200
            long = asyncio.create_task(_long_stream(base))
            assert await wait_until(lambda: bool(upstream.requests), 30)

            gateway.process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            statuses: list[tuple[float, str, int | str]] = []

            async def probe() -> bool:
                statuses.append(
                    (
                        round(time.monotonic() - signalled, 2),
                        await _status(address),
                        await _healthz(base),
                    )
                )
                return statuses[-1][1:] == ("NOT_SERVING", 503)

            while not await probe():
                assert time.monotonic() - signalled < NOTICED_WITHIN_S, statuses
            # Draining: reported as not serving, yet serving.
            sent = time.monotonic() - signalled
            answer, reply = await asyncio.gather(_http_slow(base), _grpc_slow(address))
            answered = time.monotonic() - signalled
            # Past the drain: no new connections, and the stream goes on.
            await asyncio.sleep(max(0.0, DRAIN_S + 0.5 - (time.monotonic() - signalled)))
            refused = (await _status(address), await _healthz(base))
            refused_at = time.monotonic() - signalled
            assert not long.done(), "the stream began before SIGTERM and outlasts the drain"
            text = await long
            finished = time.monotonic() - signalled
            exit_code = await asyncio.to_thread(gateway.process.wait, 30)
    print(
        f"\nSIGTERM, drain {DRAIN_S}s, grace {GRACE_S}s: health (s, gRPC, /healthz) {statuses}; "
        f"requests sent {sent:.2f}s after SIGTERM answered by {answered:.2f}s; "
        f"at {refused_at:.2f}s gRPC {refused[0]}, /healthz {refused[1]}; "
        f"the stream begun before SIGTERM ended at {finished:.2f}s"
    )
    assert sent < DRAIN_S, f"the machine was too slow to test the drain: sent at {sent:.2f}s"
    assert answer.status_code == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"] == "a slow answer"
    assert reply.message.content == "a slow answer"
    assert refused == ("UNAVAILABLE", "ConnectError"), refused
    assert all(f"Token{n} is a sentence." in text for n in range(LONG_TOKENS)), text
    assert finished > DRAIN_S, "the stream ran on past the drain"
    assert exit_code == 0, gateway.process.log_text
    records = gateway.records()
    for client_id in ("long", "during-drain-http", "during-drain-grpc"):
        assert records[client_id]["status"] == "OK", dict(records[client_id])
