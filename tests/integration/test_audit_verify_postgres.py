"""Tamper evidence, crypto-shredding and retention on the real Postgres.

Tampering is done the way an attacker with database superuser rights would:
`session_replication_role = replica` switches the append-only triggers off.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.chain import record_hash
from modelgw.audit.checkpoints import Signer, Verifier, checkpoint_heads
from modelgw.audit.crypto import RawContent, RawContentUnreadable, TenantKeys
from modelgw.audit.raw import shred
from modelgw.audit.retention import place_hold, purge, release_hold
from modelgw.audit.store import AuditStore
from modelgw.audit.verify import VerifyReport, verify_chain
from modelgw.common.messages import ChatMessage, Role
from tests.conftest import sqlalchemy_url
from tests.unit.audit.factory import make_record

TENANT_KEY = os.urandom(32)


@pytest.fixture
async def store(pg_database: str) -> AsyncIterator[AuditStore]:
    keys = TenantKeys({"acme": TENANT_KEY})
    store = AuditStore(create_async_engine(sqlalchemy_url(pg_database)), keys)
    await store.open_schema(migrate_now=True, tenants=["acme"])
    yield store
    await store.close()


@pytest.fixture
async def attacker(pg_database: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(pg_database)
    await connection.execute("SET session_replication_role = replica")
    yield connection
    await connection.close()


@pytest.fixture
def signer() -> Signer:
    return Signer(Ed25519PrivateKey.generate())


async def _verify(store: AuditStore, signer: Signer, tenant: str = "acme") -> VerifyReport:
    async with store.engine.connect() as conn:
        return await verify_chain(conn, tenant, Verifier({signer.key_id: signer.public}))


def _forge_hash(row: dict) -> str:
    """What an attacker computes: the row as the store reads it (JSON columns decoded)."""
    decoded = {**row}
    json_columns = (
        "masked_prompt",
        "prompt_entities",
        "response_entities",
        "masked_stop",
        "masked_tools",
        "request_options",
        "masked_tool_calls",
    )
    for column in json_columns:
        decoded[column] = json.loads(row[column])
    return record_hash(decoded)


async def _ten(store: AuditStore, signer: Signer) -> list[str]:
    records = [make_record() for _ in range(10)]
    await store.append(records)
    assert await checkpoint_heads(store.engine, signer) == 1
    report = await _verify(store, signer)
    assert report.ok and report.records_checked == 10 and report.checkpoints_checked == 1
    return [r.request_id for r in records]


async def test_an_edited_record_is_named(store, attacker, signer) -> None:
    ids = await _ten(store, signer)
    await attacker.execute(
        "UPDATE audit_records SET masked_response = 'nothing to see' WHERE seq = 4"
    )
    report = await _verify(store, signer)
    assert [(p.kind, p.seq, p.request_id) for p in report.problems] == [("edited", 4, ids[3])]


async def test_a_deleted_record_is_named_by_its_gap(store, attacker, signer) -> None:
    ids = await _ten(store, signer)
    await attacker.execute("DELETE FROM audit_records WHERE seq = 6")
    report = await _verify(store, signer)
    assert [(p.kind, p.seq) for p in report.problems] == [("deleted", 6)]
    assert ids[4] in report.problems[0].detail and ids[6] in report.problems[0].detail


async def test_deleting_the_tail_is_caught_by_the_signed_checkpoint(
    store, attacker, signer
) -> None:
    await _ten(store, signer)
    await attacker.execute("DELETE FROM audit_records WHERE seq > 8")
    report = await _verify(store, signer)
    assert [(p.kind, p.seq) for p in report.problems] == [("deleted", 9)]
    assert "chain ends at seq 8" in report.problems[0].detail


async def test_an_inserted_record_is_named(store, attacker, signer) -> None:
    ids = await _ten(store, signer)
    # Make room at seq 5 and insert a forged record that links correctly to seq 4.
    await attacker.execute("UPDATE audit_records SET seq = seq + 100 WHERE seq >= 5")
    await attacker.execute("UPDATE audit_records SET seq = seq - 99 WHERE seq >= 105")
    prev = await attacker.fetchval("SELECT record_hash FROM audit_records WHERE seq = 4")
    await attacker.execute(
        """INSERT INTO audit_records SELECT
             nextval('audit_records_id_seq'), 'forged', tenant, 5, $1, '', api_key_id, end_user,
             session_id, started_at, finished_at, model, backend, provider_type, upstream_model,
             locality, route_reason, masked_prompt, masked_response, decision, policy_decisions,
             entity_types, prompt_entities, response_entities, toxicity, prompt_tokens,
             completion_tokens, latency_ms, cost_usd, cache_hit, status, error, streamed,
             trace_id, raw_key_id, raw_ciphertext, client_request_id, tenant_version,
             masked_stop, operation, masked_tools, request_options, masked_tool_calls
           FROM audit_records WHERE seq = 4""",
        prev,
    )
    row = dict(await attacker.fetchrow("SELECT * FROM audit_records WHERE seq = 5"))
    await attacker.execute(
        "UPDATE audit_records SET record_hash = $1 WHERE seq = 5", _forge_hash(row)
    )
    report = await _verify(store, signer)
    kinds = [(p.kind, p.seq, p.request_id) for p in report.problems]
    # The real record 5 (now at seq 6) no longer links to the forgery before it, which the
    # report names; every renumbered record fails its own hash; the checkpoint of seq 10
    # finds a different record there.
    assert kinds[0] == ("inserted", 6, ids[4]) and "(forged)" in report.problems[0].detail
    assert kinds[1:-1] == [("edited", n, ids[n - 2]) for n in range(6, 12)]
    assert kinds[-1] == ("checkpoint", 10, "")


async def test_reordered_records_are_named(store, attacker, signer) -> None:
    ids = await _ten(store, signer)
    await attacker.execute("UPDATE audit_records SET seq = 100 WHERE seq = 3")
    await attacker.execute("UPDATE audit_records SET seq = 3 WHERE seq = 7")
    await attacker.execute("UPDATE audit_records SET seq = 7 WHERE seq = 100")
    report = await _verify(store, signer)
    named = {p.request_id for p in report.problems}
    assert {ids[2], ids[6]} <= named
    assert {p.kind for p in report.problems} <= {"edited", "inserted"}


async def test_a_chain_rewritten_with_fresh_hashes_fails_at_the_checkpoint(
    store, attacker, signer
) -> None:
    await _ten(store, signer)
    # Recompute every hash after editing seq 2: the links are consistent again...
    await attacker.execute("UPDATE audit_records SET status = 'OK ' WHERE seq = 2")
    rows = [dict(r) for r in await attacker.fetch("SELECT * FROM audit_records ORDER BY seq")]
    prev = rows[0]["record_hash"]
    for row in rows[1:]:
        row["prev_hash"] = prev
        row["record_hash"] = prev = _forge_hash(row)
        await attacker.execute(
            "UPDATE audit_records SET prev_hash = $1, record_hash = $2 WHERE seq = $3",
            row["prev_hash"],
            row["record_hash"],
            row["seq"],
        )
    report = await _verify(store, signer)
    # ...but the signed checkpoint of seq 10 no longer matches.
    assert [(p.kind, p.seq) for p in report.problems] == [("checkpoint", 10)]
    # And a forged checkpoint signature is rejected.
    await attacker.execute("UPDATE audit_checkpoints SET record_hash = $1", prev)
    report = await _verify(store, signer)
    assert any("bad signature" in p.detail for p in report.problems)


def _raw(text: str) -> RawContent:
    return RawContent((ChatMessage(Role.USER, text),), f"answer to {text}")


async def test_shredding_a_subject_or_tenant_key_leaves_a_verifiable_chain(
    store, signer, pg_database
) -> None:
    keys = store.raw.keys
    records = []
    for user in ("alice", "bob", "alice"):
        record = make_record(end_user=user)
        sealed = keys.seal_for_transport("acme", record.request_id, _raw(f"I am {user}"))
        records.append(make_record(end_user=user, request_id=record.request_id, sealed_raw=sealed))
    await store.append(records)
    await checkpoint_heads(store.engine, signer)
    conn = await asyncpg.connect(pg_database)
    try:
        stored = await conn.fetch("SELECT raw_ciphertext, masked_prompt FROM audit_records")
        assert all(b"alice" not in bytes(r["raw_ciphertext"]) for r in stored)
        assert all("alice" not in r["masked_prompt"] for r in stored)
    finally:
        await conn.close()
    raw = await store.raw.read(store.engine, "acme", records[0].request_id)
    assert raw.prompt[0].content == "I am alice"

    assert await shred(store.engine, "acme", "alice") == 1
    for record in (records[0], records[2]):
        with pytest.raises(RawContentUnreadable, match="shredded"):
            await store.raw.read(store.engine, "acme", record.request_id)
    assert (await store.raw.read(store.engine, "acme", records[1].request_id)).response
    assert (await _verify(store, signer)).ok

    assert await shred(store.engine, "acme") == 1
    with pytest.raises(RawContentUnreadable):
        await store.raw.read(store.engine, "acme", records[1].request_id)
    report = await _verify(store, signer)
    assert report.ok and report.records_checked == 3


async def test_raw_content_for_a_tenant_without_a_key_is_dead_lettered(store) -> None:
    record = make_record("globex", sealed_raw=b"\x01" + os.urandom(40))
    result = await store.append([record])
    assert (result.stored, result.dead_lettered) == (0, 1)


async def test_retention_purges_old_records_and_the_rest_still_verifies(store, signer) -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    old = [make_record(started_at=now - timedelta(days=100 - i)) for i in range(5)]
    recent = [make_record(started_at=now - timedelta(days=5 - i)) for i in range(3)]
    await store.append([*old, *recent])

    hold = await place_hold(store.engine, "acme", "litigation 2025-17")
    held = await purge(store.engine, "acme", 30, signer, now=now)
    assert held.held and held.purged == 0
    assert await release_hold(store.engine, hold)

    result = await purge(store.engine, "acme", 30, signer, now=now)
    assert (result.purged, result.through_seq) == (5, 5)
    report = await _verify(store, signer)
    assert report.ok and report.records_checked == 3
    assert "purged" in report.notes[0]

    # Purging everything keeps the chain going from the anchor.
    await purge(store.engine, "acme", 1, signer, now=now + timedelta(days=30))
    await store.append([make_record(started_at=now + timedelta(days=31))])
    report = await _verify(store, signer)
    assert report.ok and report.records_checked == 1
