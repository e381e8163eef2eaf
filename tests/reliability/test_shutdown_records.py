"""Requests cut off by a shutdown each leave their audit record, on both doors (#18, finding 1).

`modelgw serve` (a real process) relays streams from an upstream that sends
one token and then goes quiet. With three HTTP and three gRPC streams past
their first token, and an HTTP unary request waiting on its answer, SIGTERM
with `shutdown_grace_s = 1`: the grace period runs out, uvicorn and grpc.aio
cancel what is left, and each of the seven requests must still have exactly
one record, CANCELLED because the gateway shut down, written before the
process exited. The unary caller is told 503 (send it again), not 500.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
import httpx

from modelgw.api.v1 import gateway_pb2_grpc
from tests.fakes.server import RecordingServer
from tests.fakes.stalling import stalling_upstream
from tests.harness import generate_request
from tests.reliability.served import AUTH, HEADERS, served, wait_until

STREAMS_PER_DOOR = 3
GRACE_S = 1.0


async def _http_stream(base: str, client_id: str, started: asyncio.Queue[str]) -> str:
    """Read one HTTP stream until the gateway ends it; how it ended."""
    body = {
        "model": "token-then-stall",
        "stream": True,
        "messages": [{"role": "user", "content": f"Tell a long story ({client_id})"}],
    }
    headers = {**HEADERS, "x-client-request-id": client_id}
    try:
        async with (
            httpx.AsyncClient(timeout=60) as client,
            client.stream(
                "POST", f"{base}/v1/chat/completions", json=body, headers=headers
            ) as response,
        ):
            assert response.status_code == 200, await response.aread()
            async for line in response.aiter_lines():
                if "Token0" in line:
                    await started.put(client_id)
        return "ended"
    except httpx.HTTPError as exc:
        return f"cut off ({type(exc).__name__})"


async def _grpc_stream(
    stub: gateway_pb2_grpc.GatewayAsyncStub, client_id: str, started: asyncio.Queue[str]
) -> str:
    request = generate_request(
        f"Tell a long story ({client_id})", model="token-then-stall", request_id=client_id
    )
    try:
        async for reply in stub.GenerateStream(request, metadata=AUTH, timeout=60):
            if "Token0" in reply.delta:
                await started.put(client_id)
        return "ended"
    except grpc.aio.AioRpcError as exc:
        return f"cut off ({exc.code().name})"


async def _http_unary(base: str) -> httpx.Response:
    body = {"model": "stall", "messages": [{"role": "user", "content": "Answer (http-unary)"}]}
    headers = {**HEADERS, "x-client-request-id": "http-unary"}
    async with httpx.AsyncClient(timeout=60) as client:
        return await client.post(f"{base}/v1/chat/completions", json=body, headers=headers)


async def test_requests_cut_off_by_shutdown_leave_a_record_each(tmp_path: Path) -> None:
    started: asyncio.Queue[str] = asyncio.Queue()
    async with RecordingServer(stalling_upstream) as upstream:
        with served(
            tmp_path, upstream.url, server={"shutdown_grace_s": GRACE_S, "drain_s": 0}
        ) as gateway:
            async with grpc.aio.insecure_channel(gateway.grpc_address) as channel:
                stub = gateway_pb2_grpc.GatewayStub(channel)
                http_ids = [f"http-{n}" for n in range(STREAMS_PER_DOOR)]
                grpc_ids = [f"grpc-{n}" for n in range(STREAMS_PER_DOOR)]
                streams = [
                    *(
                        asyncio.create_task(_http_stream(gateway.http_url, i, started))
                        for i in http_ids
                    ),
                    *(asyncio.create_task(_grpc_stream(stub, i, started)) for i in grpc_ids),
                ]
                for _ in streams:  # every stream is past its first token
                    await asyncio.wait_for(started.get(), 30)
                unary = asyncio.create_task(_http_unary(gateway.http_url))
                await wait_until(lambda: len(upstream.requests) > len(streams), 30)
                signalled = time.monotonic()
                exit_code = await asyncio.to_thread(gateway.terminate)
                stopped_s = time.monotonic() - signalled
                endings = await asyncio.gather(*streams)
                refused = await unary
    assert exit_code == 0, gateway.process.log_text
    records = gateway.records()
    print(
        f"\nSIGTERM with {len(streams)} streams and a unary request in flight, grace "
        f"{GRACE_S}s: exited after "
        f"{stopped_s:.1f}s; clients saw {endings}, the unary one {refused.status_code}; "
        f"records: {sorted((k, r['status']) for k, r in records.items())}"
    )
    assert all(e.startswith("cut off") for e in endings), endings
    assert refused.status_code == 503, refused.text
    assert "shut down" in refused.json()["error"]["message"]
    for client_id in [*http_ids, *grpc_ids, "http-unary"]:
        assert client_id in records, f"no record of {client_id}:\n{gateway.process.log_text}"
        assert records[client_id]["status"] == "CANCELLED", dict(records[client_id])
        assert "shut down" in records[client_id]["error"], dict(records[client_id])
    assert len(records) == len(streams) + 1
