"""The durable spool: survives restarts and torn writes, delivers in order, refuses when full."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.audit.crypto import TenantKeys
from modelgw.audit.pacing import AT_ONCE, Pacing
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.sender import SpoolSender
from modelgw.audit.sink import RecordGuard, SpoolAuditSink
from modelgw.audit.spool import Spool, SpoolLocked
from modelgw.audit.store import AppendResult
from modelgw.common.config.audit import AuditConfig
from modelgw.common.errors import ResourceExhausted
from modelgw.common.tenant import Tenants
from tests.configs import gateway_config
from tests.unit.audit.factory import make_record


class FlakyTarget:
    """Fails while `down` is set; remembers every batch it accepted."""

    def __init__(self) -> None:
        self.down = False
        self.batches: list[list[bytes]] = []
        self.pacings: list[Pacing] = []

    async def deliver(self, payloads: Sequence[bytes], pacing: Pacing = AT_ONCE) -> AppendResult:
        if self.down:
            raise ConnectionError("store down")
        self.batches.append(list(payloads))
        self.pacings.append(pacing)
        return AppendResult(stored=len(payloads))


def _segments(path: Path) -> int:
    return len(list(path.glob("seg-*.log")))


def _exists(path: Path) -> bool:
    return path.exists()


def _tear(path: Path) -> None:
    """Append half a frame, as a crash in the middle of a write would leave."""
    with next(path.glob("seg-*.log")).open("ab") as handle:
        handle.write(b"\x00\x00\x01\x00partial")


def _spool(path: Path, segment_bytes: int = 1 << 20) -> Spool:
    spool = Spool(path, segment_bytes)
    spool.open()
    return spool


async def test_appends_survive_a_restart_and_are_read_back_in_order(tmp_path: Path) -> None:
    spool = _spool(tmp_path, segment_bytes=4096)
    payloads = [f"record-{i}".encode() * 40 for i in range(60)]
    for payload in payloads[:30]:
        await spool.append(payload)
    await asyncio.gather(*(spool.append(p) for p in payloads[30:]))  # one group commit
    assert _segments(tmp_path) > 1  # rotated
    spool.close()

    again = _spool(tmp_path, segment_bytes=4096)
    got: list[bytes] = []
    while True:
        batch, after = again.read_batch(7)
        if not batch and after == again.cursor:
            break
        got += batch
        again.ack(after)
    assert got == payloads
    assert again.pending_bytes() == 0
    assert _segments(tmp_path) == 1  # delivered segments are deleted
    again.close()


async def test_a_torn_write_at_the_end_is_dropped_not_delivered(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    await spool.append(b"whole record")
    spool.close()
    _tear(tmp_path)
    again = _spool(tmp_path)
    payloads, _ = again.read_batch(10)
    assert payloads == [b"whole record"]
    again.close()


def test_one_process_per_spool_directory(tmp_path: Path) -> None:
    first = _spool(tmp_path)
    with pytest.raises(SpoolLocked):
        _spool(tmp_path)
    first.close()


async def test_sender_retries_while_down_then_delivers_everything_once(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    target = FlakyTarget()
    target.down = True
    sender = SpoolSender(spool, target, batch_size=4, retry_max_s=0.05)
    task = asyncio.create_task(sender.run())
    try:
        for i in range(10):
            await spool.append(f"r{i}".encode())
        await asyncio.sleep(0.2)
        assert sender.failures > 0 and not target.batches and spool.pending_bytes() > 0
        target.down = False
        assert await sender.drain(5.0)
    finally:
        task.cancel()
    delivered = [p for batch in target.batches for p in batch]
    assert delivered == [f"r{i}".encode() for i in range(10)]
    assert max(len(b) for b in target.batches) <= 4
    spool.close()
    assert not _exists(tmp_path)  # an empty spool cleans up after itself


async def test_full_spool_refuses_by_default_and_continues_when_the_tenant_says_so(
    tmp_path: Path,
) -> None:
    config = gateway_config(
        {
            "tenants": {"acme": {}, "relaxed": {}},
            "audit": {
                "spool": {"max_bytes": 4096},
                "tenant_on_spool_full": {"relaxed": "continue"},
            },
        },
        tmp_path=tmp_path,
    )
    tenants = Tenants.from_config(config)
    spool = _spool(tmp_path)
    sink = SpoolAuditSink(spool, config.audit, RecordGuard(Pseudonyms(os.urandom(32))))
    sink.admit(tenants.get("acme"))
    while spool.pending_bytes() < 4096:
        await sink.record(make_record())
    with pytest.raises(ResourceExhausted, match="spool is full"):
        sink.admit(tenants.get("acme"))
    sink.admit(tenants.get("relaxed"))  # logs an alert, does not refuse
    await sink.record(make_record("relaxed", request_id="kept-past-the-limit"))
    payloads, _ = spool.read_batch(10_000)
    last = audit_pb2.AuditRecord()
    last.ParseFromString(payloads[-1])
    assert last.request_id == "kept-past-the-limit"  # never a silent drop
    spool.close()


async def test_raw_content_reaches_the_spool_only_sealed(tmp_path: Path) -> None:
    from modelgw.audit.crypto import RawContent
    from modelgw.common.messages import ChatMessage, Role

    spool = _spool(tmp_path)
    guard = RecordGuard(Pseudonyms(os.urandom(32)), TenantKeys({"acme": os.urandom(32)}))
    sink = SpoolAuditSink(spool, AuditConfig(), guard)
    raw = RawContent((ChatMessage(Role.USER, "I am Jane Roe, SSN 078-05-1120"),), "Hi Jane")
    await sink.record(make_record("acme", request_id="kept"), raw=raw)
    await sink.record(make_record("globex", request_id="not-kept"), raw=raw)
    payloads, _ = spool.read_batch(10)
    on_disk = b"".join(payloads)
    assert b"Jane" not in on_disk and b"078-05" not in on_disk
    kept, dropped = audit_pb2.AuditRecord(), audit_pb2.AuditRecord()
    kept.ParseFromString(payloads[0])
    dropped.ParseFromString(payloads[1])
    assert kept.sealed_raw and not dropped.sealed_raw
    spool.close()


async def test_end_user_and_session_id_reach_the_spool_only_pseudonymised(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    sink = SpoolAuditSink(spool, AuditConfig(), RecordGuard(Pseudonyms(os.urandom(32))))
    record = make_record(end_user="jane.roe@example.com", session_id="ticket-jane-roe")
    await sink.record(record)
    payloads, _ = spool.read_batch(10)
    assert b"jane" not in b"".join(payloads).lower()
    stored = audit_pb2.AuditRecord()
    stored.ParseFromString(payloads[0])
    assert stored.end_user.startswith("ps1:") and stored.session_id.startswith("ps1:")
    spool.close()
