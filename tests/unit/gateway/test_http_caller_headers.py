"""The HTTP door's optional caller headers: session id (audited, vault scope) and deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import httpx
import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.common.errors import BackendError
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from tests.configs import gateway_config
from tests.harness import RecordingBackend, echo_backend
from tests.http_harness import HttpGateway, running_http_gateway

KEY = "mgw_test_http_headers_key_01"
HEADERS = {"authorization": f"Bearer {KEY}"}
AUTH = (("authorization", f"Bearer {KEY}"),)
BODY = {"model": "echo", "messages": [{"role": "user", "content": "Where is my parcel?"}]}


class SlowBackend(RecordingBackend):
    """Would take 30 s; like every backend, it gives up at the request's deadline."""

    async def _wait(self, request: BackendRequest) -> None:
        await asyncio.sleep(request.remaining(30))
        if request.remaining(30) <= 0:
            raise BackendError(
                "the caller's deadline passed",
                code=grpc.StatusCode.DEADLINE_EXCEEDED,
                retryable=False,
            )
        raise AssertionError("the deadline should have ended this call")

    async def generate(self, request: BackendRequest) -> BackendResponse:
        self.received.append(request)
        await self._wait(request)
        raise AssertionError("unreachable")

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        await self._wait(request)
        yield StreamChunk()


@pytest.fixture
async def gateway(tmp_path: Path, trust_engine) -> AsyncIterator[tuple[HttpGateway, SlowBackend]]:
    config = gateway_config(tmp_path=tmp_path, keys={"dev": KEY})
    backend = SlowBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": backend}
    ) as gw:
        yield gw, backend


async def test_timeout_header_ends_the_request_with_504_and_an_audit_record(gateway) -> None:
    gw, backend = gateway
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS, timeout=20) as client:
        reply = await client.post(
            "/v1/chat/completions",
            json=BODY,
            headers={"x-modelgw-timeout-ms": "300", "x-request-id": "slow-1"},
        )
    assert reply.status_code == 504, reply.text
    assert reply.json()["error"]["code"] == "timeout"
    assert time.monotonic() - started < 10  # the deadline, not the backend, ended it
    assert len(backend.received) == 1
    assert reply.headers["x-client-request-id"] == "slow-1"
    record = await gw.grpc.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=reply.headers["x-request-id"]), metadata=AUTH
    )
    assert record.client_request_id == "slow-1"
    assert record.status == "DEADLINE_EXCEEDED"


@pytest.mark.parametrize("value", ["0", "-5", "soon", "600001"])
async def test_bad_timeout_header_is_a_400_before_any_work(gateway, value: str) -> None:
    gw, backend = gateway
    async with httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client:
        reply = await client.post(
            "/v1/chat/completions", json=BODY, headers={"x-modelgw-timeout-ms": value}
        )
    assert reply.status_code == 400
    assert "timeout" in reply.json()["error"]["message"]
    assert not backend.received


async def test_session_header_reaches_the_audit_record_and_is_checked(
    tmp_path, trust_engine
) -> None:
    config = gateway_config(tmp_path=tmp_path, keys={"dev": KEY})
    async with (
        running_http_gateway(config, trust_engine=trust_engine) as gw,
        httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client,
    ):
        ok = await client.post(
            "/v1/chat/completions",
            json=BODY,
            headers={"x-modelgw-session-id": "ticket-123", "x-request-id": "with-session"},
        )
        assert ok.status_code == 200, ok.text
        record = await gw.grpc.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=ok.headers["x-request-id"]), metadata=AUTH
        )
        pseudonyms = gw.grpc.assembly.audit_pseudonyms()
        assert record.session_id == pseudonyms.of("dev", "session_id", "ticket-123")

        bad = await client.post(
            "/v1/chat/completions", json=BODY, headers={"x-modelgw-session-id": "has space"}
        )
        assert bad.status_code == 400
        assert "session id" in bad.json()["error"]["message"]
