"""The four services as separate processes talking gRPC, with the audit log on the real Postgres."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import asyncpg
import grpc
import httpx
import yaml

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc, gateway_pb2_grpc
from modelgw.common.api_keys import hash_api_key
from tests.conftest import sqlalchemy_url
from tests.e2e.processes import modelgw_process
from tests.harness import generate_request
from tests.ports import free_port

USER_KEY = "mgw_e2e_user_key_123456"
AUDITOR_KEY = "mgw_e2e_auditor_key_123456"
OTHER_KEY = "mgw_e2e_other_tenant_key_1"
PROMPT = "Customer Jane Doe (jane.doe@example.com, +1 650-555-0144) asks about her refund."
RAW = ("Jane Doe", "jane.doe@example.com", "650-555-0144")


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
        "audit": {"url": sqlalchemy_url(pg_dsn)},
    }
    path.write_text(yaml.safe_dump(config))


def test_split_services_mask_restore_and_audit_to_postgres(
    tmp_path: Path, pg_database: str
) -> None:
    ports = {name: free_port() for name in ("gateway", "http", "trust", "audit", "control")}
    config = tmp_path / "modelgw.yaml"
    _write_config(config, pg_database, ports)
    env = {"MODELGW_INTERNAL_TOKEN": "e2e-internal-token-0123456789"}
    cfg = ["--config", str(config)]
    # A layer each for the gateway and the trust service: their own metrics port, and JSON
    # log lines from the gateway.
    scrape = {name: free_port() for name in ("gateway", "trust")}
    layers = {}
    for name, port in scrape.items():
        layer = tmp_path / f"{name}-observability.yaml"
        settings: dict[str, dict[str, object]] = {"metrics": {"listen": f"127.0.0.1:{port}"}}
        if name == "gateway":
            settings["logging"] = {"format": "json"}
        layer.write_text(yaml.safe_dump(settings))
        layers[name] = ["--config", str(layer)]

    def addr(name: str) -> str:
        return f"127.0.0.1:{ports[name]}"

    with (
        modelgw_process(["control", *cfg], addr("control"), tmp_path, env),
        modelgw_process(["trust", *cfg, *layers["trust"]], addr("trust"), tmp_path, env),
        modelgw_process(["audit", *cfg], addr("audit"), tmp_path, env),
        modelgw_process(
            ["gateway", *cfg, *layers["gateway"]], addr("gateway"), tmp_path, env
        ) as gw,
        grpc.insecure_channel(addr("gateway")) as channel,
        grpc.insecure_channel(addr("audit")) as audit_channel,
    ):
        gateway = gateway_pb2_grpc.GatewayStub(channel)
        auth = (("authorization", f"Bearer {USER_KEY}"),)
        reply = gateway.Generate(generate_request(PROMPT, model="support-bot"), metadata=auth)
        assert reply.message.content == PROMPT
        assert reply.route.backend == "echo"
        streamed = "".join(
            e.delta
            for e in gateway.GenerateStream(
                generate_request(PROMPT, model="support-bot"), metadata=auth
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
        other = audit.QueryRecords(
            audit_pb2.QueryRecordsRequest(), metadata=(("x-api-key", OTHER_KEY),)
        )
        assert len(other.records) == 0
        try:
            audit.QueryRecords(audit_pb2.QueryRecordsRequest(), metadata=(("x-api-key", USER_KEY),))
            raise AssertionError("a user key must not read the audit log")
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.PERMISSION_DENIED

        # Each process serves its own metrics: the gateway counts the requests, the trust
        # service the detections; neither names a value.
        gateway_metrics = httpx.get(f"http://127.0.0.1:{scrape['gateway']}/metrics").text
        trust_metrics = httpx.get(f"http://127.0.0.1:{scrape['trust']}/metrics").text
        counted = 'backend="echo",model="support-bot",status="OK",tenant="acme"} 2.0'
        assert "modelgw_requests_total{" + counted in gateway_metrics
        assert 'modelgw_trust_detection_duration_seconds_count{tenant="acme"}' in trust_metrics
        for raw in RAW:
            assert raw not in gateway_metrics + trust_metrics
        assert httpx.get(f"http://127.0.0.1:{ports['http']}/metrics").status_code == 200

    lines = [json.loads(line) for line in gw.log_text.splitlines() if line.startswith("{")]
    assert lines, gw.log_text
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    for raw in RAW:
        assert raw not in gw.log_text

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
