"""Legal holds scoped to an end user and/or a time range, on the real Postgres, via the CLI.

A purge deletes a prefix of the chain, so a scoped hold stops it just before
the oldest record the hold covers; everything from there on is kept and the
chain still verifies. A hold on the whole tenant stops the purge entirely.
"""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.checkpoints import Signer, Verifier
from modelgw.audit.retention import HoldScope, place_hold, purge, release_hold
from modelgw.audit.store import AuditStore
from modelgw.audit.verify import verify_chain
from modelgw.common.errors import InvalidArgument
from tests.configs import config_file, gateway_config
from tests.conftest import sqlalchemy_url
from tests.unit.audit.cli import run_cli as _cli
from tests.unit.audit.factory import make_record

NOW = datetime(2025, 6, 1, tzinfo=UTC)
SEED = os.urandom(32)
KEY_ENV = "MODELGW_TEST_HOLD_SIGNING_KEY"
PSEUDONYM_ENV = "MODELGW_TEST_HOLD_PSEUDONYM_KEY"


def _days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


async def _store(dsn: str) -> AuditStore:
    """Ten old records (100..91 days ago; ada and bob in turn), three recent ones."""
    store = AuditStore(create_async_engine(sqlalchemy_url(dsn)))
    await store.open_schema(migrate_now=True, tenants=["acme"])
    old = [
        make_record(started_at=_days_ago(100 - i), end_user=("ada", "bob")[i % 2])
        for i in range(10)
    ]
    recent = [make_record(started_at=_days_ago(3 - i), end_user="ada") for i in range(3)]
    await store.append([*old, *recent])
    return store


async def _verified(store: AuditStore, signer: Signer) -> int:
    async with store.engine.connect() as conn:
        report = await verify_chain(conn, "acme", Verifier({signer.key_id: signer.public}))
    assert report.ok, report.problems
    return report.records_checked


async def test_scoped_holds_stop_the_purge_before_the_first_record_they_cover(
    pg_database: str,
) -> None:
    store = await _store(pg_database)
    signer = Signer(Ed25519PrivateKey.generate())
    try:
        # bob's records started 96..93 days ago: only seq 6 (95 days ago).
        bob = await place_hold(
            store.engine, "acme", "case 17", HoldScope("bob", _days_ago(96), _days_ago(93))
        )
        result = await purge(store.engine, "acme", 30, signer, now=NOW)
        assert (result.purged, result.through_seq, result.held_from_seq) == (5, 5, 6)
        assert not result.held
        assert await _verified(store, signer) == 8

        # ada, any time: her oldest remaining record is seq 7.
        ada = await place_hold(store.engine, "acme", "case 18", HoldScope(end_user="ada"))
        assert await release_hold(store.engine, bob)
        result = await purge(store.engine, "acme", 30, signer, now=NOW)
        assert (result.purged, result.through_seq, result.held_from_seq) == (1, 6, 7)

        # A hold that covers no remaining record does not stop anything.
        assert await release_hold(store.engine, ada)
        await place_hold(store.engine, "acme", "old case", HoldScope(until=_days_ago(200)))
        result = await purge(store.engine, "acme", 30, signer, now=NOW)
        assert (result.purged, result.through_seq, result.held_from_seq) == (4, 10, None)
        assert await _verified(store, signer) == 3

        with pytest.raises(InvalidArgument):
            await place_hold(store.engine, "acme", "bad", HoldScope(None, NOW, _days_ago(1)))
    finally:
        await store.close()


async def test_cli_places_scoped_and_tenant_wide_holds(
    pg_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = await _store(pg_database)
    await store.close()
    monkeypatch.setenv(KEY_ENV, base64.b64encode(SEED).decode())
    monkeypatch.setenv(PSEUDONYM_ENV, os.urandom(32).hex())
    audit = {
        "signing_key": f"env:{KEY_ENV}",
        "pseudonym_key": f"env:{PSEUDONYM_ENV}",
        "retention_days": 30,
    }
    config = gateway_config(
        {"tenants": {"acme": {}}, "audit": audit}, audit_url=sqlalchemy_url(pg_database), keys={}
    )
    cfg = ("--config", config_file(tmp_path / "modelgw.yaml", config))
    since, until = _days_ago(96).isoformat(), _days_ago(93).isoformat()
    hold = ("audit", "hold", *cfg, "--tenant", "acme", "--reason", "case 17")
    assert await _cli(*hold, "--end-user", "bob", "--since", since, "--until", until) == 0
    assert "legal hold 1 placed" in capsys.readouterr().out
    # The purge runs now (2025 records are all past 30 days): it stops at bob's held record.
    assert await _cli("audit", "purge", *cfg) == 0
    out = capsys.readouterr().out
    assert "acme: purged 5 records (through seq 5)" in out
    assert "stopped before seq 6: a legal hold covers it" in out

    assert await _cli(*hold) == 0
    assert await _cli("audit", "purge", *cfg) == 0
    assert "acme: under legal hold, nothing purged" in capsys.readouterr().out
    assert await _cli(*hold, "--since", until, "--until", since) == 1
    assert await _cli("audit", "verify", *cfg) == 0
    assert "acme: OK (8 records" in capsys.readouterr().out
