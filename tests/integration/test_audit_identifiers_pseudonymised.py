"""End users and session ids reach the audit log only as keyed pseudonyms, yet stay findable.

Through the real gateway onto Postgres: an e-mail address sent as the end user
and a session id naming a person appear in no audit table, spool or access-log
row; the Audit API's `end_user` filter, legal holds and shredding still find
that end user's records, including those written before pseudonymisation
(kept as written: the chain still verifies).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.audit.checkpoints import Verifier
from modelgw.audit.pseudonyms import PREFIX
from modelgw.audit.raw import shred
from modelgw.audit.retention import HoldScope, place_hold
from modelgw.audit.verify import verify_chain
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import gateway_config
from tests.harness import RunningGateway, generate_request, running_gateway
from tests.unit.audit.factory import make_record

ACME, GLOBEX = "mgw_pseudonym_acme_0123456", "mgw_pseudonym_globex_01234"
END_USER, SESSION = "jane.roe@example.com", "ticket-jane-roe-4711"
KEY_ENV = "MODELGW_TEST_PSEUDONYM_KEY"


def _auth(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


def _config(dsn: str, tmp_path: Path) -> ModelgwConfig:
    return gateway_config(
        {"audit": {"pseudonym_key": f"env:{KEY_ENV}"}},
        audit_url=dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        tmp_path=tmp_path,
        keys={"acme": ACME, "globex": GLOBEX},
    )


@pytest.fixture
async def gateway(
    pg_database: str, tmp_path: Path, trust_engine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningGateway]:
    monkeypatch.setenv(KEY_ENV, os.urandom(32).hex())
    async with running_gateway(_config(pg_database, tmp_path), trust_engine=trust_engine) as gw:
        yield gw


async def _send(gw: RunningGateway, key: str, client_id: str, **caller: str) -> None:
    request = generate_request("Summarise the refund policy", request_id=client_id)
    for name, value in caller.items():
        setattr(request.caller, name, value)
    await gw.gateway.Generate(request, metadata=_auth(key))


async def _everything_stored(dsn: str) -> str:
    """Every row of every audit table, as text."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = [
            "audit_records",
            "audit_access_log",
            "audit_subject_keys",
            "audit_legal_holds",
            "audit_dead_letters",
        ]
        rows = [await conn.fetch(f"SELECT * FROM {table}") for table in tables]
    finally:
        await conn.close()
    return repr(rows)


async def test_end_user_and_session_id_are_stored_only_as_pseudonyms_and_found_by_clear_value(
    gateway: RunningGateway, pg_database: str, tmp_path: Path
) -> None:
    gw = gateway
    await _send(gw, ACME, "mine", end_user=END_USER, session_id=SESSION)
    await _send(gw, ACME, "someone-else", end_user="ops-bot")
    await _send(gw, GLOBEX, "other-tenant", end_user=END_USER, session_id=SESSION)

    found = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(end_user=END_USER), metadata=_auth(ACME)
    )
    assert [r.client_request_id for r in found.records] == ["mine"]
    (record,) = found.records
    assert record.end_user.startswith(PREFIX) and record.session_id.startswith(PREFIX)
    assert END_USER not in record.end_user and SESSION not in record.session_id
    # A pseudonym copied from a record works as a filter too.
    again = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(end_user=record.end_user), metadata=_auth(ACME)
    )
    assert [r.client_request_id for r in again.records] == ["mine"]

    theirs = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(end_user=END_USER), metadata=_auth(GLOBEX)
    )
    assert theirs.records[0].end_user != record.end_user, "pseudonyms are per tenant"

    stored = await _everything_stored(pg_database)
    for clear in (END_USER, SESSION, "jane.roe", "jane-roe"):
        assert clear not in stored, f"{clear!r} stored in clear"
    spooled = b"".join(p.read_bytes() for p in (tmp_path / "spool").rglob("seg-*"))
    assert b"jane" not in spooled.lower()


async def test_records_from_before_pseudonymisation_keep_their_values_and_are_still_found(
    gateway: RunningGateway, pg_database: str
) -> None:
    """Old records hold the clear end user: kept as written, chain intact, found, held, shred."""
    gw = gateway
    store = await gw.assembly.audit_store()
    legacy = make_record("acme", end_user="ada@example.com", session_id="old-session")
    await store.append([legacy])  # as a gateway before this change wrote it
    await _send(gw, ACME, "new", end_user="ada@example.com")
    pseudonyms = gw.assembly.audit_pseudonyms()

    found = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(end_user="ada@example.com"), metadata=_auth(ACME)
    )
    assert {r.request_id for r in found.records} >= {legacy.request_id}
    assert len(found.records) == 2
    assert {r.end_user for r in found.records} == {
        "ada@example.com",
        pseudonyms.of("acme", "end_user", "ada@example.com"),
    }
    async with store.engine.connect() as conn:
        report = await verify_chain(conn, "acme", Verifier({}))
    assert report.ok and report.records_checked == 2, report.problems

    hold = await place_hold(
        store.engine, "acme", "case 9", HoldScope(end_user="ada@example.com"), pseudonyms
    )
    database = await asyncpg.connect(pg_database)
    try:
        held = await database.fetchval("SELECT end_user FROM audit_legal_holds WHERE id = $1", hold)
    finally:
        await database.close()
    assert held == pseudonyms.of("acme", "end_user", "ada@example.com")
    # Subject keys exist only for tenants keeping raw content: none here, nothing to shred.
    assert await shred(store.engine, "acme", "ada@example.com", pseudonyms) == 0
