"""Rotating the checkpoint signing key, and checkpoints signed by a key nobody configured.

After a rotation the old key's checkpoints still verify when its public key
is listed in `audit.checkpoint_public_keys` (printed by `modelgw audit
public-key`); without it, and for a checkpoint an intruder signed with a key
of their own, verify fails and names the checkpoint.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import create_async_engine

from modelgw.audit.checkpoints import Signer, Verifier, checkpoint_heads
from modelgw.audit.store import AuditStore
from modelgw.audit.verify import VerifyReport, verify_chain
from tests.configs import config_file, gateway_config
from tests.conftest import sqlalchemy_url
from tests.unit.audit.cli import run_cli as _cli
from tests.unit.audit.factory import make_record

KEY_ENV = "MODELGW_TEST_ROTATED_SIGNING_KEY"


def _seed(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode()


@pytest.fixture
async def store(pg_database: str) -> AsyncIterator[AuditStore]:
    store = AuditStore(create_async_engine(sqlalchemy_url(pg_database)))
    await store.open_schema(migrate_now=True, tenants=["acme"])
    yield store
    await store.close()


async def _verify(store: AuditStore, verifier: Verifier) -> VerifyReport:
    async with store.engine.connect() as conn:
        return await verify_chain(conn, "acme", verifier)


async def test_checkpoints_of_a_rotated_key_verify_only_while_it_is_listed(
    store: AuditStore,
    pg_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    await store.append([make_record() for _ in range(3)])
    assert await checkpoint_heads(store.engine, Signer(old)) == 1
    await store.append([make_record() for _ in range(2)])
    assert await checkpoint_heads(store.engine, Signer(new)) == 1

    path = tmp_path / "modelgw.yaml"
    monkeypatch.setenv(KEY_ENV, _seed(old))

    def write(public_keys: list[str]) -> str:
        audit = {"signing_key": f"env:{KEY_ENV}", "checkpoint_public_keys": public_keys}
        config = gateway_config(
            {"tenants": {"acme": {}}, "audit": audit},
            audit_url=sqlalchemy_url(pg_database),
            keys={},
        )
        return config_file(path, config)

    # What the operator saves before switching the signing key to the new one.
    assert await _cli("audit", "public-key", "--config", write([])) == 0
    old_pem = capsys.readouterr().out
    assert old_pem.startswith("-----BEGIN PUBLIC KEY-----")
    monkeypatch.setenv(KEY_ENV, _seed(new))

    assert await _cli("audit", "verify", "--config", write([])) == 1
    report = capsys.readouterr().out
    assert "acme: TAMPERED" in report and "checkpoint at seq 3" in report
    assert "unknown key" in report

    assert await _cli("audit", "verify", "--config", write([old_pem])) == 0
    assert "acme: OK (5 records, 2 checkpoints)" in capsys.readouterr().out

    raw_public = Signer(old).public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    base64_form = base64.b64encode(raw_public).decode()
    assert await _cli("audit", "verify", "--config", write([base64_form])) == 0
    capsys.readouterr()


async def test_a_checkpoint_signed_by_an_unknown_key_fails_verify(store: AuditStore) -> None:
    ours, intruder = Signer(Ed25519PrivateKey.generate()), Signer(Ed25519PrivateKey.generate())
    await store.append([make_record() for _ in range(4)])
    assert await checkpoint_heads(store.engine, intruder) == 1

    report = await _verify(store, Verifier.of(ours, []))
    assert not report.ok
    assert [(p.kind, p.seq) for p in report.problems] == [("checkpoint", 4)]
    assert intruder.key_id in report.problems[0].detail

    # With no key configured at all nothing can be checked: a note, as before.
    unchecked = await _verify(store, Verifier.of(None, []))
    assert unchecked.ok and any("not checked" in n for n in unchecked.notes)
