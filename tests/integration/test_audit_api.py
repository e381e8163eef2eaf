"""The compliance API and CLI end to end: gateway traffic → spool → Postgres → Audit RPCs.

Two tenants share one audit database; auditors of `acme` must never see
`globex`, every read is itself logged, and `modelgw audit verify` names
tampering from the command line.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import grpc
import pytest

from modelgw.api.v1 import audit_pb2
from modelgw.common.config.schema import ModelgwConfig
from tests.configs import config_file, gateway_config, key_entry, merged
from tests.conftest import sqlalchemy_url
from tests.harness import RunningGateway, generate_request, running_gateway
from tests.unit.audit.cli import run_cli as _cli

USER_KEY, AUDITOR_KEY, GLOBEX_KEY = (
    "mgw_acme_user_0123456789",
    "mgw_acme_audit_012345",
    "mgw_globex_0123456789",
)
EMAIL = "jane.roe@example.com"


def _auth(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


def _config(dsn: str, tmp_path: Path, **changes: Any) -> ModelgwConfig:
    """Acme's app key may only call models, its compliance key only read the audit log."""
    acme_keys = [
        key_entry(USER_KEY, "app", ["user"]),
        key_entry(AUDITOR_KEY, "compliance", ["auditor"]),
    ]
    return gateway_config(
        merged(
            {
                "tenants": {"acme": {"api_keys": acme_keys}},
                "audit": {"signing_key": "env:MODELGW_TEST_AUDIT_SIGNING_KEY"},
            },
            changes,
        ),
        audit_url=sqlalchemy_url(dsn),
        tmp_path=tmp_path,
        keys={"globex": GLOBEX_KEY},
    )


async def _request_id(gw: RunningGateway, auditor_key: str, client_request_id: str) -> str:
    """The gateway's id (the audit key) of the request the caller sent as `client_request_id`."""
    page = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(page_size=1000), metadata=_auth(auditor_key)
    )
    (found,) = [r.request_id for r in page.records if r.client_request_id == client_request_id]
    return found


@pytest.fixture
async def gateway(
    pg_database: str, tmp_path: Path, trust_engine, monkeypatch
) -> AsyncIterator[tuple[RunningGateway, ModelgwConfig, str]]:
    seed = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("MODELGW_TEST_AUDIT_SIGNING_KEY", seed)
    config = _config(pg_database, tmp_path)
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        for i in range(5):
            prompt = f"Please email {EMAIL} about ticket {i}" if i % 2 == 0 else f"Ticket {i}"
            await gw.gateway.Generate(
                generate_request(prompt, request_id=f"acme-{i}"), metadata=_auth(USER_KEY)
            )
        await gw.gateway.Generate(
            generate_request("hello", request_id="g-1"), metadata=_auth(GLOBEX_KEY)
        )
        yield gw, config, pg_database


async def test_auditor_queries_its_tenant_with_filters_and_pagination(gateway) -> None:
    gw, _, _ = gateway
    auth = _auth(AUDITOR_KEY)
    page = await gw.audit.QueryRecords(audit_pb2.QueryRecordsRequest(), metadata=auth)
    assert sorted(r.client_request_id for r in page.records) == [f"acme-{i}" for i in range(5)]
    assert all(r.record_hash and r.seq for r in page.records)
    assert all(EMAIL not in r.masked_response for r in page.records)

    emails = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(entity_type="EMAIL_ADDRESS", decision="masked"),
        metadata=auth,
    )
    assert sorted(r.client_request_id for r in emails.records) == ["acme-0", "acme-2", "acme-4"]
    assert all("routed_local" in r.policy_decisions for r in emails.records)

    seen, token = [], ""
    while True:
        request = audit_pb2.QueryRecordsRequest(page_size=2, page_token=token, provider="echo")
        page = await gw.audit.QueryRecords(request, metadata=auth)
        seen += [r.client_request_id for r in page.records]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == [f"acme-{i}" for i in range(5)] and len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("key", "request_kwargs", "hint"),
    [
        (AUDITOR_KEY, {"tenant": "globex"}, "may only query tenant 'acme'"),
        (USER_KEY, {}, "auditor"),
    ],
)
async def test_reads_outside_the_auditors_scope_are_refused(
    gateway, key, request_kwargs, hint
) -> None:
    gw, _, _ = gateway
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.audit.QueryRecords(
            audit_pb2.QueryRecordsRequest(**request_kwargs), metadata=_auth(key)
        )
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert hint in (caught.value.details() or "")
    globex_id = await _request_id(gw, GLOBEX_KEY, "g-1")
    with pytest.raises(grpc.aio.AioRpcError):
        await gw.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=globex_id), metadata=_auth(AUDITOR_KEY)
        )


async def test_export_streams_jsonl_and_csv_and_every_read_is_logged(gateway) -> None:
    gw, _, dsn = gateway
    auth = _auth(AUDITOR_KEY)
    chunks = [c async for c in gw.audit.Export(audit_pb2.ExportRequest(), metadata=auth)]
    lines = b"".join(c.data for c in chunks).decode().splitlines()
    assert [json.loads(x)["client_request_id"] for x in lines] == [f"acme-{i}" for i in range(5)]
    assert chunks[-1].records_done == chunks[-1].records_total == 5
    assert EMAIL not in "".join(lines)

    request = audit_pb2.ExportRequest(
        filter=audit_pb2.QueryRecordsRequest(entity_type="EMAIL_ADDRESS"),
        format=audit_pb2.EXPORT_FORMAT_CSV,
    )
    data = b"".join([c.data async for c in gw.audit.Export(request, metadata=auth)]).decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [r["client_request_id"] for r in rows] == ["acme-0", "acme-2", "acme-4"]
    assert rows[0]["entity_types"] == "EMAIL_ADDRESS"

    verdict = await gw.audit.Verify(audit_pb2.VerifyRequest(), metadata=auth)
    assert verdict.ok and verdict.records_checked == 5

    conn = await asyncpg.connect(dsn)
    try:
        logged = await conn.fetch(
            "SELECT tenant, api_key_id, action, result_count FROM audit_access_log ORDER BY id"
        )
    finally:
        await conn.close()
    assert [(r["tenant"], r["api_key_id"], r["action"], r["result_count"]) for r in logged] == [
        ("acme", "compliance", "export", 5),
        ("acme", "compliance", "export", 3),
        ("acme", "compliance", "verify", 5),
    ]


async def test_cli_exports_and_verify_names_tampering(
    gateway, tmp_path, monkeypatch, capsys
) -> None:
    gw, config, dsn = gateway
    monkeypatch.setenv("MODELGW_API_KEY", AUDITOR_KEY)
    out = tmp_path / "acme.csv"
    args = ("--address", gw.address, "--format", "csv", "-o", str(out), "--progress")
    assert await _cli("audit", "export", *args) == 0
    assert len(list(csv.DictReader(out.open()))) == 5
    assert "5/5 records" in capsys.readouterr().err

    path = config_file(tmp_path / "modelgw.yaml", config)
    assert await _cli("audit", "checkpoint", "--config", path) == 0
    assert await _cli("audit", "verify", "--config", path) == 0
    assert "acme: OK (5 records, 1 checkpoints)" in capsys.readouterr().out

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET session_replication_role = replica")
        await conn.execute(
            "UPDATE audit_records SET end_user = 'someone else' WHERE client_request_id = 'acme-3'"
        )
    finally:
        await conn.close()
    assert await _cli("audit", "verify", "--config", path, "--tenant", "acme") == 1
    report = capsys.readouterr().out
    edited = await _request_id(gw, AUDITOR_KEY, "acme-3")
    assert "acme: TAMPERED" in report and "edited: record seq" in report and f"({edited})" in report


async def test_raw_content_is_kept_encrypted_and_shredding_keeps_the_chain(
    pg_database: str, tmp_path: Path, trust_engine, monkeypatch
) -> None:
    from modelgw.audit.checkpoints import Verifier
    from modelgw.audit.crypto import RawContentUnreadable
    from modelgw.audit.raw import shred
    from modelgw.audit.verify import verify_chain

    monkeypatch.setenv("MODELGW_TEST_AUDIT_SIGNING_KEY", base64.b64encode(os.urandom(32)).decode())
    monkeypatch.setenv("MODELGW_TEST_ACME_RAW_KEY", base64.b64encode(os.urandom(32)).decode())
    raw_content = {"acme": {"key": "env:MODELGW_TEST_ACME_RAW_KEY"}}
    config = _config(pg_database, tmp_path, audit={"raw_content": raw_content})
    prompt = f"Please email {EMAIL} the contract"
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        for user in ("alice", "bob"):
            request = generate_request(prompt, request_id=f"raw-{user}")
            request.caller.end_user = user
            await gw.gateway.Generate(request, metadata=_auth(USER_KEY))
        await gw.gateway.Generate(
            generate_request(prompt, request_id="g-raw"), metadata=_auth(GLOBEX_KEY)
        )
        store = await gw.assembly.audit_store()
        await gw.audit.QueryRecords(audit_pb2.QueryRecordsRequest(), metadata=_auth(AUDITOR_KEY))

        conn = await asyncpg.connect(pg_database)
        try:
            rows = {
                r["client_request_id"]: r
                for r in await conn.fetch(
                    "SELECT request_id, client_request_id, raw_ciphertext, masked_prompt "
                    "FROM audit_records"
                )
            }
        finally:
            await conn.close()
        assert rows["g-raw"]["raw_ciphertext"] is None  # globex keeps masked text only
        assert EMAIL.encode() not in bytes(rows["raw-alice"]["raw_ciphertext"])
        assert EMAIL not in rows["raw-alice"]["masked_prompt"]
        alice, bob = rows["raw-alice"]["request_id"], rows["raw-bob"]["request_id"]
        original = await store.raw.read(store.engine, "acme", alice)
        assert original.prompt[0].content == prompt and original.response == prompt

        pseudonyms = gw.assembly.audit_pseudonyms()
        assert await shred(store.engine, "acme", "alice", pseudonyms) == 1
        with pytest.raises(RawContentUnreadable):
            await store.raw.read(store.engine, "acme", alice)
        assert (await store.raw.read(store.engine, "acme", bob)).response == prompt
        async with store.engine.connect() as session:
            report = await verify_chain(session, "acme", Verifier({}))
        assert report.ok and report.records_checked == 2
