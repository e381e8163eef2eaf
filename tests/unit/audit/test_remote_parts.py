"""How `RemoteTarget` cuts a spool batch into Ingest calls that fit the service's message limit."""

from __future__ import annotations

import logging

import grpc
import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.audit.convert import record_to_pb
from modelgw.audit.sender import RemoteTarget
from modelgw.common.internal_auth import InternalAuth
from tests.unit.audit.factory import make_record

LIMIT = 256 * 1024


async def _target() -> RemoteTarget:
    channel = grpc.aio.insecure_channel("127.0.0.1:9")  # never called here
    return RemoteTarget(channel, InternalAuth("x" * 16), timeout_s=1, max_request_bytes=LIMIT)


async def test_parts_keep_order_and_each_request_encodes_within_the_limit() -> None:
    target = await _target()
    records = [make_record(masked_response="r" * (i * 7_000 % 90_000)) for i in range(40)]
    payloads = [record_to_pb(r).SerializeToString() for r in records]
    parts = target._parts(payloads)
    assert [p for part in parts for p in part] == payloads
    assert len(parts) > 1
    for part in parts:
        request = audit_pb2.IngestRequest()
        for payload in part:
            request.records.add().ParseFromString(payload)
        assert request.ByteSize() <= LIMIT


async def test_a_record_over_the_limit_is_sent_alone_with_an_alert(
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = await _target()
    huge, small = b"h" * (LIMIT + 1), b"s" * 100
    with caplog.at_level(logging.ERROR):
        parts = target._parts([small, huge, small])
    assert parts == [[small], [huge], [small]]
    assert any(
        "ALERT" in r.getMessage() and "max_message_bytes" in r.getMessage() for r in caplog.records
    )
