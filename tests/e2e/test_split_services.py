"""The four services as separate processes talking gRPC, with the audit log on the real Postgres."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import asyncpg
import grpc
import yaml

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc, common_pb2, gateway_pb2_grpc
from modelgw.common.api_keys import hash_api_key
from tests.conftest import sqlalchemy_url
from tests.e2e.processes import modelgw_process
from tests.harness import generate_request
from tests.ports import free_port

USER_KEY = "mgw_e2e_user_key_123456"
AUDITOR_KEY = "mgw_e2e_auditor_key_123456"
OTHER_KEY = "mgw_e2e_other_tenant_key_1"
PROMPT = "Customer Jane Doe (jane.doe@example.com, +1 650-555-0144) asks about her refund."
END_USER = "jane.doe@example.com"
RAW = ("Jane Doe", "jane.doe@example.com", "650-555-0144", "ticket-jane-doe")


def _write_config(path: Path, pg_dsn: str, ports: dict[str, int]) -> None:
    config = {
        "server": {
            "grpc_address": f"127.0.0.1:{ports['gateway']}",
            "http_address": f"127.0.0.1:{ports['http']}",
        },
        "services": {
            "trust_address": f"127.0.0.1:{ports['trust']}",
            "audit_address": f"127.0.0.1:{ports['audit']}",
            "control_address": f"127.0.0.1:{ports['control']}",
            "trust_listen": f"127.0.0.1:{ports['trust']}",
            "audit_listen": f"127.0.0.1:{ports['audit']}",
            "control_listen": f"127.0.0.1:{ports['control']}",
            "internal_token": "env:MODELGW_INTERNAL_TOKEN",
        },
        "providers": {"echo": {"type": "echo", "locality": "external"}},
        "models": {"support-bot": {"route": [{"provider": "echo"}]}},
        "tenants": {
            "acme": {
                "api_keys": [
                    {"id": "crm", "sha256": hash_api_key(USER_KEY), "roles": ["user"]},
                    {"id": "compliance", "sha256": hash_api_key(AUDITOR_KEY), "roles": ["auditor"]},
                ]
            },
            "globex": {
                "api_keys": [
                    {"id": "desk", "sha256": hash_api_key(OTHER_KEY), "roles": ["auditor"]}
                ]
            },
        },
        "audit": {
            "url": sqlalchemy_url(pg_dsn),
            "pseudonym_key": "env:MODELGW_AUDIT_PSEUDONYM_KEY",
        },
    }
    path.write_text(yaml.safe_dump(config))


def test_split_services_mask_restore_and_audit_to_postgres(
    tmp_path: Path, pg_database: str
) -> None:
    ports = {name: free_port() for name in ("gateway", "http", "trust", "audit", "control")}
    config = tmp_path / "modelgw.yaml"
    _write_config(config, pg_database, ports)
    env = {
        "MODELGW_INTERNAL_TOKEN": "e2e-internal-token-0123456789",
        "MODELGW_AUDIT_PSEUDONYM_KEY": "0f" * 32,
    }
    cfg = ["--config", str(config)]

    def addr(name: str) -> str:
        return f"127.0.0.1:{ports[name]}"

    with (
        modelgw_process(["control", *cfg], addr("control"), tmp_path, env),
        modelgw_process(["trust", *cfg], addr("trust"), tmp_path, env),
        modelgw_process(["audit", *cfg], addr("audit"), tmp_path, env),
        modelgw_process(["gateway", *cfg], addr("gateway"), tmp_path, env),
        grpc.insecure_channel(addr("gateway")) as channel,
        grpc.insecure_channel(addr("audit")) as audit_channel,
    ):
        gateway = gateway_pb2_grpc.GatewayStub(channel)
        auth = (("authorization", f"Bearer {USER_KEY}"),)
        caller = common_pb2.CallerMetadata(end_user=END_USER, session_id="ticket-jane-doe")
        reply = gateway.Generate(
            generate_request(PROMPT, model="support-bot", caller=caller), metadata=auth
        )
        assert reply.message.content == PROMPT
        assert reply.route.backend == "echo"
        streamed = "".join(
            e.delta
            for e in gateway.GenerateStream(
                generate_request(PROMPT, model="support-bot", caller=caller), metadata=auth
            )
        )
        assert streamed == PROMPT

        audit = audit_pb2_grpc.AuditStub(audit_channel)
        # The gateway spools records durably and a sender drains them to the audit
        # service in batches: they arrive shortly after the answers.
        deadline = time.monotonic() + 30
        while True:
            page = audit.QueryRecords(
                audit_pb2.QueryRecordsRequest(), metadata=(("x-api-key", AUDITOR_KEY),)
            )
            if len(page.records) >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(page.records) == 2
        assert {r.api_key_id for r in page.records} == {"crm"}
        # The gateway pseudonymised the end user, the audit service hashes the filter
        # the same way: one key, shared by the two processes.
        mine = audit.QueryRecords(
            audit_pb2.QueryRecordsRequest(end_user=END_USER),
            metadata=(("x-api-key", AUDITOR_KEY),),
        )
        assert len(mine.records) == 2
        assert all(r.end_user.startswith("ps1:") for r in mine.records)
        other = audit.QueryRecords(
            audit_pb2.QueryRecordsRequest(), metadata=(("x-api-key", OTHER_KEY),)
        )
        assert len(other.records) == 0
        try:
            audit.QueryRecords(audit_pb2.QueryRecordsRequest(), metadata=(("x-api-key", USER_KEY),))
            raise AssertionError("a user key must not read the audit log")
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.PERMISSION_DENIED

    async def stored_rows() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(pg_database)
        try:
            return await conn.fetch("select * from audit_records")
        finally:
            await conn.close()

    rows = asyncio.run(stored_rows())
    assert len(rows) == 2
    dump = json.dumps([dict(r) for r in rows], default=str)
    for raw in RAW:
        assert raw not in dump
    assert "<PERSON_1>" in dump and "<EMAIL_ADDRESS_1>" in dump
