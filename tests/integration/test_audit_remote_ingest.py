"""The gateway's remote audit path: spool -> `SpoolSender` -> `RemoteTarget` -> `Audit.Ingest`.

A real Audit gRPC service on a free port writes to a fresh database on the
shared Postgres. The gateway side is the real spool and sender, as
`modelgw gateway` builds them when `services.audit_address` is set. Checked:
batches of at most `batch_size`, every field arriving intact (cost unknown
included), a batch replayed after a crash between delivery and
acknowledgement stored once, the internal token (without it nothing is
stored and nothing leaves the spool), and batches over the message limit sent
in parts. (An unreachable store answered as UNAVAILABLE needs no database:
tests/unit/audit/test_ingest_store_down.py.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import grpc
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.checkpoints import Verifier
from modelgw.audit.convert import record_to_pb
from modelgw.audit.pacing import AT_ONCE, Pacing
from modelgw.audit.records import AuditRecord
from modelgw.audit.rows import record_from_row
from modelgw.audit.sender import RemoteTarget, SpoolSender
from modelgw.audit.spool import Spool
from modelgw.audit.store import AppendResult
from modelgw.audit.tables import audit_records
from modelgw.audit.verify import verify_chain
from modelgw.common.grpc_server import start_server
from modelgw.common.internal_auth import INTERNAL_TOKEN_HEADER, InternalAuth
from modelgw.runtime import Assembly
from tests.configs import gateway_config, key_entry
from tests.conftest import sqlalchemy_url
from tests.unit.audit.factory import make_record

TOKEN = "remote-ingest-internal-token-01234"
TOKEN_ENV = "MODELGW_TEST_REMOTE_INGEST_TOKEN"
USER_KEY = "mgw_remote_ingest_user_0123"
CHAIN_FIELDS = ("seq", "prev_hash", "record_hash")


@dataclass
class AuditServer:
    channel: grpc.aio.Channel
    dsn: str

    @property
    def stub(self) -> audit_pb2_grpc.AuditAsyncStub:
        return audit_pb2_grpc.AuditStub(self.channel)


@pytest.fixture
async def audit_server(
    pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AuditServer]:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    config = gateway_config(
        {
            "tenants": {"acme": {"api_keys": [key_entry(USER_KEY, "app", ["auditor"])]}},
            "services": {"internal_token": f"env:{TOKEN_ENV}"},
        },
        audit_url=sqlalchemy_url(pg_database),
        keys={},
    )
    assembly = Assembly(config)
    server = await start_server([await assembly.audit()], "127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield AuditServer(channel, pg_database)
    finally:
        await channel.close()
        await server.stop(0)
        await assembly.close()


class RecordingTarget:
    """The real `RemoteTarget`, remembering each batch's size and the service's receipt."""

    def __init__(self, inner: RemoteTarget) -> None:
        self._inner = inner
        self.batches: list[int] = []
        self.receipts: list[AppendResult] = []

    async def deliver(self, payloads: Sequence[bytes], pacing: Pacing = AT_ONCE) -> AppendResult:
        self.batches.append(len(payloads))
        receipt = await self._inner.deliver(payloads)
        self.receipts.append(receipt)
        return receipt


def _target(server: AuditServer, token: str = TOKEN) -> RecordingTarget:
    return RecordingTarget(RemoteTarget(server.channel, InternalAuth(token), timeout_s=10))


@contextlib.asynccontextmanager
async def _opened(directory: Path) -> AsyncIterator[Spool]:
    spool = Spool(directory, segment_bytes=64 * 1024)
    spool.open()
    try:
        yield spool
    finally:
        spool.close()


@contextlib.asynccontextmanager
async def _sending(spool: Spool, target: RecordingTarget) -> AsyncIterator[SpoolSender]:
    sender = SpoolSender(spool, target, batch_size=50, retry_max_s=0.2)
    task = asyncio.create_task(sender.run())
    try:
        yield sender
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _spool(spool: Spool, records: Sequence[AuditRecord]) -> None:
    for record in records:
        await spool.append(record_to_pb(record).SerializeToString())


async def _stored(dsn: str) -> list[AuditRecord]:
    engine = create_async_engine(sqlalchemy_url(dsn))
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(select(audit_records).order_by(audit_records.c.seq))
            return [record_from_row(r) for r in rows.mappings()]
    finally:
        await engine.dispose()


async def _verified(dsn: str, tenant: str) -> int:
    engine = create_async_engine(sqlalchemy_url(dsn))
    try:
        async with engine.connect() as conn:
            report = await verify_chain(conn, tenant, Verifier({}))
    finally:
        await engine.dispose()
    assert report.ok, report.problems
    return report.records_checked


def _varied(n: int) -> list[AuditRecord]:
    """Records with the fields the pipeline fills: known, free (cache) and unknown cost."""
    records = []
    for i in range(n):
        cost = (None, 0.0, 0.000123 * i)[i % 3]
        records.append(
            make_record(cost_usd=cost, cache_hit=i % 3 == 1, trace_id=f"{i:032x}", streamed=i % 2)
        )
    return records


async def test_spooled_records_reach_postgres_in_batches_with_every_field_intact(
    audit_server: AuditServer, tmp_path: Path
) -> None:
    records = _varied(120)
    target = _target(audit_server)
    async with _opened(tmp_path / "spool") as spool:
        await _spool(spool, records)
        async with _sending(spool, target) as sender:
            assert await sender.drain(30)
        assert spool.pending_bytes() == 0

    assert target.batches == [50, 50, 20]
    assert sum(r.stored for r in target.receipts) == 120
    assert not any(r.duplicates or r.dead_lettered for r in target.receipts)
    stored = await _stored(audit_server.dsn)
    assert [r.seq for r in stored] == list(range(1, 121))
    blank: dict[str, Any] = dict.fromkeys(CHAIN_FIELDS, 0) | {"prev_hash": "", "record_hash": ""}
    assert [replace(r, **blank) for r in stored] == records, "every field arrives as spooled"
    assert [r.cost_usd is None for r in stored[:3]] == [True, False, False]
    assert await _verified(audit_server.dsn, "acme") == 120


async def test_a_batch_replayed_after_a_crash_before_the_ack_is_stored_once(
    audit_server: AuditServer, tmp_path: Path
) -> None:
    first, later = _varied(30), _varied(10)
    async with _opened(tmp_path / "spool") as spool:
        await _spool(spool, first)
        payloads, _ = spool.read_batch(50)
        # Delivered and committed, but the gateway dies before it moves its cursor.
        receipt = await _target(audit_server).deliver(payloads)
        assert receipt == AppendResult(stored=30)
    # The next start finds the same 30 records pending, plus 10 new ones.
    target = _target(audit_server)
    async with _opened(tmp_path / "spool") as spool:
        assert spool.pending_bytes() > 0
        await _spool(spool, later)
        async with _sending(spool, target) as sender:
            assert await sender.drain(30)

    assert target.receipts == [AppendResult(stored=10, duplicates=30)]
    stored = await _stored(audit_server.dsn)
    assert [r.request_id for r in stored] == [r.request_id for r in first + later]
    assert await _verified(audit_server.dsn, "acme") == 40


@pytest.mark.parametrize(
    "metadata",
    [
        (),
        ((INTERNAL_TOKEN_HEADER, "not-the-internal-token-000"),),
        (("authorization", f"Bearer {USER_KEY}"),),
    ],
    ids=["no-token", "wrong-token", "tenant-api-key"],
)
async def test_ingest_without_the_internal_token_is_refused_and_stores_nothing(
    audit_server: AuditServer, metadata: tuple[tuple[str, str], ...]
) -> None:
    request = audit_pb2.IngestRequest(records=[record_to_pb(make_record())])
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await audit_server.stub.Ingest(request, metadata=metadata, timeout=10)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await _stored(audit_server.dsn) == []


async def test_a_refused_sender_keeps_its_records_until_one_with_the_right_token_delivers(
    audit_server: AuditServer, tmp_path: Path
) -> None:
    records = _varied(12)
    async with _opened(tmp_path / "spool") as spool:
        await _spool(spool, records)
        pending = spool.pending_bytes()
        refused = _target(audit_server, token="a-gateway-with-a-stale-token")
        async with _sending(spool, refused) as sender:
            assert not await sender.drain(1.5)
            assert sender.failures >= 2
        assert refused.receipts == []
        assert spool.pending_bytes() == pending, "refused batches stay in the spool"
        assert await _stored(audit_server.dsn) == []

        target = _target(audit_server)
        async with _sending(spool, target) as sender:
            assert await sender.drain(30)
    assert [r.request_id for r in await _stored(audit_server.dsn)] == [
        r.request_id for r in records
    ]


async def test_ingest_requires_tenant_and_request_id(audit_server: AuditServer) -> None:
    incomplete = record_to_pb(make_record())
    incomplete.tenant = ""
    request = audit_pb2.IngestRequest(records=[record_to_pb(make_record()), incomplete])
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await audit_server.stub.Ingest(request, metadata=((INTERNAL_TOKEN_HEADER, TOKEN),))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "records[1]" in (refused.value.details() or "")
    assert await _stored(audit_server.dsn) == [], "a bad batch stores nothing of itself"


async def test_a_batch_larger_than_one_grpc_message_is_sent_in_parts(
    audit_server: AuditServer, tmp_path: Path
) -> None:
    # 50 records of ~150 KB: a 7.5 MB batch, over the service's 4 MiB message limit.
    records = [make_record(masked_response=f"{i} " + "y" * 150_000) for i in range(60)]
    target = _target(audit_server)
    async with _opened(tmp_path / "spool") as spool:
        await _spool(spool, records)
        async with _sending(spool, target) as sender:
            assert await sender.drain(30), f"stuck after {sender.failures} failed deliveries"
    assert target.batches == [50, 10]
    assert sum(r.stored for r in target.receipts) == 60
    assert await _verified(audit_server.dsn, "acme") == 60
