"""One gateway for the whole fuzz module: gRPC and HTTP doors in a background loop, its
audit log on a fresh Postgres database (which refuses what SQLite would take)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from tests.configs import DEV_KEY, gateway_config
from tests.conftest import fresh_pg_database, sqlalchemy_url
from tests.http_harness import ThreadedHttpGateway, http_gateway_in_thread

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
SERVER_FAULTS = frozenset({grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN})
NOT_ADMITTED = frozenset({grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND})
"""Refusals before admission (malformed request, unknown model): they leave no record."""


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    loop = asyncio.new_event_loop()
    database = fresh_pg_database()
    try:
        yield sqlalchemy_url(loop.run_until_complete(database.__aenter__()))
    finally:
        loop.run_until_complete(database.__aexit__(None, None, None))
        loop.close()


@pytest.fixture(scope="module")
def fuzzed_gateway(
    pg_url: str, tmp_path_factory: pytest.TempPathFactory, trust_engine
) -> Iterator[ThreadedHttpGateway]:
    tmp_path = Path(tmp_path_factory.mktemp("fuzz"))
    config = gateway_config(audit_url=pg_url, tmp_path=tmp_path)
    with http_gateway_in_thread(config, trust_engine=trust_engine) as gw:
        yield gw


@pytest.fixture(scope="module")
def channel(fuzzed_gateway: ThreadedHttpGateway) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(fuzzed_gateway.gateway.grpc.address) as channel:
        yield channel


def records_of(channel: grpc.Channel, request_id: str) -> int:
    """How many audit records the gateway's request id has (the key is unique: 0 or 1)."""
    audit = audit_pb2_grpc.AuditStub(channel)
    try:
        audit.GetRecord(audit_pb2.GetRecordRequest(request_id=request_id), metadata=AUTH)
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND, exc.details()
        return 0
    return 1
