"""Malformed input is the caller's error: INVALID_ARGUMENT / 400 saying what to fix, never a 500.

Against the real gateway with its audit log on Postgres, which refuses NUL in
text and numbers past `bigint`: each of these reached the database (or a
decoder) and came back as INTERNAL before. A refused chat request sends
nothing to the backend and leaves no dead letter.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import grpc
import httpx
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from modelgw.api.v1 import audit_pb2, common_pb2
from tests.configs import DEV_KEY, gateway_config
from tests.harness import RecordingBackend, echo_backend, generate_request
from tests.http_harness import HttpGateway, running_http_gateway

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)


@pytest.fixture
async def served(
    pg_database: str, tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[HttpGateway, RecordingBackend, str]]:
    url = pg_database.replace("postgresql://", "postgresql+asyncpg://", 1)
    config = gateway_config(audit_url=url, tmp_path=tmp_path)
    echo = RecordingBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": echo}
    ) as gw:
        yield gw, echo, pg_database


async def _refused(call) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        result = call()
        if hasattr(result, "__aiter__"):
            async for _ in result:
                pass
        else:
            await result
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    return caught.value.details() or ""


def _stamp(seconds: int, nanos: int = 0) -> Timestamp:
    return Timestamp(seconds=seconds, nanos=nanos)


def _token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("request_fields", "hint"),
    [
        ({"page_token": _token("2025-01-01T00:00:00+00:00|99999999999999999999")}, "page_token"),
        ({"page_token": _token("2025-01-01T00:00:00+00:00|\uff19")}, "page_token"),
        ({"page_token": _token("2025-01-01T00:00:00|12")}, "page_token"),
        ({"page_token": "A" * 100_000}, "page_token"),
        ({"since": _stamp(2**62)}, "since must be a time between"),
        ({"until": _stamp(-(2**40))}, "until must be a time between"),
        ({"since": _stamp(0, nanos=-1)}, "since.nanos"),
        ({"end_user": "ada\x00"}, "end_user contains a NUL"),
        ({"model": "echo\x00"}, "model contains a NUL"),
        ({"client_request_id": "\x00"}, "client_request_id contains a NUL"),
        ({"status": "x" * 300}, "status must be at most 256"),
    ],
    ids=lambda v: str(v)[:30] if not isinstance(v, dict) else ",".join(v),
)
async def test_malformed_audit_queries_are_invalid_argument(
    served, request_fields: dict, hint: str
) -> None:
    gw, _, _ = served
    audit = gw.grpc.audit
    query = audit_pb2.QueryRecordsRequest(**request_fields)
    assert hint in await _refused(lambda: audit.QueryRecords(query, metadata=AUTH))
    export = audit_pb2.ExportRequest(filter=query)
    assert hint in await _refused(lambda: audit.Export(export, metadata=AUTH))


async def test_out_of_range_verify_bounds_and_nul_in_get_record_are_invalid_argument(
    served,
) -> None:
    gw, _, _ = served
    audit = gw.grpc.audit
    for request in (
        audit_pb2.VerifyRequest(from_seq=2**63),
        audit_pb2.VerifyRequest(to_seq=2**64 - 1),
    ):
        details = await _refused(lambda r=request: audit.Verify(r, metadata=AUTH))
        assert "must be at most 9223372036854775807" in details
    get = audit_pb2.GetRecordRequest(request_id="abc\x00def")
    assert "request_id contains a NUL" in await _refused(
        lambda: audit.GetRecord(get, metadata=AUTH)
    )
    past_the_end = await audit.Verify(audit_pb2.VerifyRequest(from_seq=2**63 - 1), metadata=AUTH)
    assert past_the_end.ok and "past the end of the chain" in past_the_end.notes[0]


async def test_nul_in_chat_content_or_caller_fields_is_refused_before_anything(served) -> None:
    gw, echo, dsn = served
    with_nul = [generate_request("hello\x00world") for _ in range(5)]
    with_nul[1] = generate_request("hello", caller=common_pb2.CallerMetadata(end_user="ada\x00"))
    with_nul[2] = generate_request("hello", caller=common_pb2.CallerMetadata(session_id="s\x00"))
    with_nul[3] = generate_request("hello")
    with_nul[3].caller.labels["team\x00"] = "x"
    with_nul[4] = generate_request("hello")
    with_nul[4].params.stop.append("\x00")
    hints = [
        "messages[0].content contains a NUL",
        "end user contains a NUL",
        "session id must be",
        "caller.labels contains a NUL",
        "params.stop[0] contains a NUL",
    ]
    for request, hint in zip(with_nul, hints, strict=True):
        details = await _refused(lambda r=request: gw.grpc.gateway.Generate(r, metadata=AUTH))
        assert hint in details
        details = await _refused(lambda r=request: gw.grpc.gateway.GenerateStream(r, metadata=AUTH))
        assert hint in details
    async with httpx.AsyncClient(base_url=gw.openai_base_url, timeout=30) as client:
        body = {"model": "echo", "messages": [{"role": "user", "content": "hi\u0000"}]}
        response = await client.post(
            "/chat/completions", json=body, headers={"authorization": f"Bearer {DEV_KEY}"}
        )
        assert response.status_code == 400, response.text
        assert "NUL" in response.json()["error"]["message"]
        body = {"model": "echo", "messages": [{"role": "user", "content": "hi"}], "user": "a\0"}
        response = await client.post(
            "/chat/completions", json=body, headers={"authorization": f"Bearer {DEV_KEY}"}
        )
        assert response.status_code == 400, response.text
    assert echo.received == [], "nothing reached the backend"
    conn = await asyncpg.connect(dsn)
    try:
        letters = await conn.fetchval("SELECT count(*) FROM audit_dead_letters")
    finally:
        await conn.close()
    assert letters == 0


@pytest.mark.parametrize(
    "value",
    # Headers arrive decoded as Latin-1: b"\xb2" is "²", which `str.isdigit()` accepts.
    [b"\xb2", b"1\xb9\xb2", b"1e3", b"-5", b"0", b"600001", b"99999999"],
    ids=repr,
)
async def test_a_timeout_header_that_is_not_plain_ascii_digits_is_a_400(
    served, value: bytes
) -> None:
    gw, echo, _ = served
    async with httpx.AsyncClient(base_url=gw.openai_base_url, timeout=30) as client:
        response = await client.post(
            "/chat/completions",
            json={"model": "echo", "messages": [{"role": "user", "content": "hi"}]},
            headers={
                b"authorization": f"Bearer {DEV_KEY}".encode(),
                b"x-modelgw-timeout-ms": value,
            },
        )
    assert response.status_code == 400, response.text
    assert "milliseconds in ASCII digits" in response.json()["error"]["message"]
    assert echo.received == []


async def test_non_utf8_binary_metadata_is_no_internal_error(served) -> None:
    gw, _, _ = served
    metadata = (*AUTH, ("x-trace-context-bin", b"\xff\xfe\x00\x80"))
    reply = await gw.grpc.gateway.Generate(generate_request("hello"), metadata=metadata)
    assert reply.message.content == "hello"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.grpc.audit.QueryRecords(
            audit_pb2.QueryRecordsRequest(), metadata=(("authorization-bin", b"\xff\xfe"),)
        )
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
