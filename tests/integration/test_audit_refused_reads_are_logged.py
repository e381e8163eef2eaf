"""Every refused audit read lands in the access log, and a log that cannot be written
never turns a refusal into a read.

Auditors of `acme` asking for `globex`'s records (query, get, export, verify),
and a key without the auditor role: each is PERMISSION_DENIED and leaves one
access-log row in the asking key's tenant saying who asked, what, and why it
was refused. With the access log unwritable (the table renamed away on the
real Postgres), the caller still gets PERMISSION_DENIED.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import grpc
import pytest

from modelgw.api.v1 import audit_pb2
from tests.configs import gateway_config, key_entry
from tests.harness import RunningGateway, running_gateway

AUDITOR, USER = "mgw_refused_auditor_0123", "mgw_refused_user_0123456"
GLOBEX = "mgw_refused_globex_01"


def _auth(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


@pytest.fixture
async def gateway(
    pg_database: str, tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[RunningGateway, str]]:
    config = gateway_config(
        {
            "tenants": {
                "acme": {
                    "api_keys": [
                        key_entry(AUDITOR, "compliance", ["auditor"]),
                        key_entry(USER, "app", ["user"]),
                    ]
                }
            }
        },
        audit_url=pg_database.replace("postgresql://", "postgresql+asyncpg://", 1),
        tmp_path=tmp_path,
        keys={"globex": GLOBEX},
    )
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        yield gw, pg_database


async def _access_log(dsn: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch(
            "SELECT tenant, api_key_id, action, detail::text AS detail, result_count "
            "FROM audit_access_log ORDER BY id"
        )
    finally:
        await conn.close()


async def _denied(call) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        result = call()
        if hasattr(result, "__aiter__"):
            async for _ in result:
                pass
        else:
            await result
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED, caught.value.details()


async def test_every_refused_audit_read_is_in_the_access_log(gateway) -> None:
    gw, dsn = gateway
    audit, auth = gw.audit, _auth(AUDITOR)
    elsewhere = audit_pb2.QueryRecordsRequest(tenant="globex", end_user="jane@example.com")
    await _denied(lambda: audit.QueryRecords(elsewhere, metadata=auth))
    get = audit_pb2.GetRecordRequest(tenant="globex", request_id="abc")
    await _denied(lambda: audit.GetRecord(get, metadata=auth))
    export = audit_pb2.ExportRequest(filter=audit_pb2.QueryRecordsRequest(tenant="globex"))
    await _denied(lambda: audit.Export(export, metadata=auth))
    await _denied(lambda: audit.Verify(audit_pb2.VerifyRequest(tenant="globex"), metadata=auth))
    no_role = audit_pb2.QueryRecordsRequest()
    await _denied(lambda: audit.QueryRecords(no_role, metadata=_auth(USER)))

    logged = await _access_log(dsn)
    assert [(r["tenant"], r["api_key_id"], r["action"], r["result_count"]) for r in logged] == [
        ("acme", "compliance", "query", 0),
        ("acme", "compliance", "get", 0),
        ("acme", "compliance", "export", 0),
        ("acme", "compliance", "verify", 0),
        ("acme", "app", "query", 0),
    ]
    for row in logged[:4]:
        assert '"tenant": "globex"' in row["detail"], row["detail"]
        assert "PERMISSION_DENIED: this auditor key may only query tenant 'acme'" in row["detail"]
    assert "`auditor` role" in logged[4]["detail"]
    assert "jane@example.com" not in logged[0]["detail"], "the end user only as its pseudonym"
    assert '"end_user": "ps1:' in logged[0]["detail"]


async def test_a_refusal_stays_a_refusal_when_the_access_log_cannot_be_written(gateway) -> None:
    gw, dsn = gateway
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("ALTER TABLE audit_access_log RENAME TO audit_access_log_away")
        elsewhere = audit_pb2.QueryRecordsRequest(tenant="globex")
        await _denied(lambda: gw.audit.QueryRecords(elsewhere, metadata=_auth(AUDITOR)))
    finally:
        await conn.execute("ALTER TABLE audit_access_log_away RENAME TO audit_access_log")
        await conn.close()
