"""`modelgw audit dead-letters list|replay` on the real Postgres.

Two records are refused the way they are in practice: one carries a NUL
character (Postgres text cannot hold it), one carries raw content sealed by
the gateway under a tenant key the audit service was deployed without. The
operator lists them, replays (still refused: reported, not dead-lettered
again), fixes the cause (configures the key, opts into NUL replacement),
replays again: both join the chain once, the letters keep the originals,
and a further replay changes nothing.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.checkpoints import Verifier
from modelgw.audit.crypto import RawContent, TenantKeys
from modelgw.audit.store import AuditStore
from modelgw.audit.verify import verify_chain
from modelgw.common.messages import ChatMessage, Role
from tests.configs import config_file, gateway_config
from tests.conftest import sqlalchemy_url
from tests.unit.audit.cli import run_cli as _cli
from tests.unit.audit.factory import make_record

KEK = os.urandom(32)
KEK_ENV = "MODELGW_TEST_DEAD_LETTER_KEK"
RAW = RawContent((ChatMessage(Role.USER, "Mail ada@example.com"),), "Sent to ada@example.com")


def _write_config(path: Path, dsn: str, *, with_key: bool) -> str:
    raw_content = {"acme": {"key": f"env:{KEK_ENV}"}} if with_key else {}
    config = gateway_config(
        {"tenants": {"acme": {}}, "audit": {"raw_content": raw_content}},
        audit_url=sqlalchemy_url(dsn),
        keys={},
    )
    return config_file(path, config)


@pytest.fixture
async def refused(pg_database: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[dict]:
    """A log with one good record and two dead letters; yields their request ids."""
    monkeypatch.setenv(KEK_ENV, base64.b64encode(KEK).decode())
    store = AuditStore(create_async_engine(sqlalchemy_url(pg_database)))  # no tenant keys
    await store.open_schema(migrate_now=True, tenants=["acme"])
    nul = make_record(masked_response="Done \x00 for <EMAIL_ADDRESS_1>")
    sealed = make_record(end_user="ada")
    gateway_keys = TenantKeys({"acme": KEK})  # the gateway has the key, the store does not
    sealed = replace(
        sealed, sealed_raw=gateway_keys.seal_for_transport("acme", sealed.request_id, RAW)
    )
    result = await store.append([make_record(), nul, sealed])
    assert (result.stored, result.dead_lettered) == (1, 2)
    await store.close()
    yield {"nul": nul.request_id, "sealed": sealed.request_id}


async def _counts(dsn: str) -> tuple[int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        records = await conn.fetchval("SELECT count(*) FROM audit_records")
        letters = await conn.fetchval("SELECT count(*) FROM audit_dead_letters")
    finally:
        await conn.close()
    return records, letters


async def test_dead_letters_are_listed_replayed_once_fixed_and_never_twice(
    refused: dict, pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = _write_config(tmp_path / "bare.yaml", pg_database, with_key=False)
    keyed = _write_config(tmp_path / "keyed.yaml", pg_database, with_key=True)

    assert await _cli("audit", "dead-letters", "list", "--config", bare) == 0
    listing = capsys.readouterr().out
    assert "2 dead letters shown, 2 pending" in listing
    assert f"{refused['nul']}\tpending" in listing and f"{refused['sealed']}\tpending" in listing

    # Cause not fixed yet: both refused again, reported, and no new letters written.
    assert await _cli("audit", "dead-letters", "replay", "--config", bare) == 1
    assert "replayed 0, 0 already stored, 2 refused" in capsys.readouterr().out
    assert await _counts(pg_database) == (1, 2)

    # Fixed: the audit service now has the tenant key; NUL replacement opted into.
    assert await _cli("audit", "dead-letters", "replay", "--config", keyed, "--replace-nul") == 0
    assert "replayed 2, 0 already stored, 0 refused" in capsys.readouterr().out
    assert await _counts(pg_database) == (3, 2)

    assert await _cli("audit", "dead-letters", "replay", "--config", keyed) == 0
    assert "replayed 0, 2 already stored, 0 refused" in capsys.readouterr().out
    assert await _cli("audit", "dead-letters", "list", "--config", keyed, "--pending") == 0
    assert "0 dead letters shown, 0 pending" in capsys.readouterr().out
    assert await _counts(pg_database) == (3, 2)

    conn = await asyncpg.connect(pg_database)
    try:
        repaired = await conn.fetchval(
            "SELECT masked_response FROM audit_records WHERE request_id = $1", refused["nul"]
        )
        letter = await conn.fetchval(
            "SELECT payload FROM audit_dead_letters WHERE request_id = $1", refused["nul"]
        )
        seqs = await conn.fetch("SELECT request_id, seq FROM audit_records ORDER BY seq")
        replays = await conn.fetch(
            "SELECT api_key_id, detail FROM audit_access_log WHERE action = 'replay'"
        )
    finally:
        await conn.close()
    assert repaired == "Done \ufffd for <EMAIL_ADDRESS_1>"
    assert b"\x00 for" in letter, "the letter keeps the record as it arrived"
    assert [r["seq"] for r in seqs] == [1, 2, 3]
    assert {r["request_id"] for r in seqs[1:]} == {refused["nul"], refused["sealed"]}
    assert len(replays) == 2 and {r["api_key_id"] for r in replays} == {"operator"}

    store = AuditStore(create_async_engine(sqlalchemy_url(pg_database)), TenantKeys({"acme": KEK}))
    try:
        assert await store.raw.read(store.engine, "acme", refused["sealed"]) == RAW
        async with store.engine.connect() as session:
            report = await verify_chain(session, "acme", Verifier({}))
    finally:
        await store.close()
    assert report.ok and report.records_checked == 3


async def test_replay_can_be_narrowed_to_one_letter(
    refused: dict, pg_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyed = _write_config(tmp_path / "keyed.yaml", pg_database, with_key=True)
    assert await _cli("audit", "dead-letters", "list", "--config", keyed) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if refused["sealed"] in x)
    letter_id = line.split("\t")[0]
    assert await _cli("audit", "dead-letters", "replay", "--config", keyed, "--id", letter_id) == 0
    assert "replayed 1, 0 already stored, 0 refused" in capsys.readouterr().out
    assert await _counts(pg_database) == (2, 2)
