"""`modelgw serve` with no config, as `make run` starts it, driven like a script would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import grpc
import pytest

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc, gateway_pb2_grpc
from tests.e2e.processes import modelgw_process
from tests.harness import generate_request
from tests.ports import free_port

DEV_KEY = "mgw_dev_fixed_for_tests"
PROMPT = "Please call Maria Garcia at +1 212-555-0187 or mail maria.garcia@example.org."


def test_embedded_defaults_mask_restore_audit_and_stop_gracefully(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    env = {"MODELGW_DEV_API_KEY": DEV_KEY}
    with (
        modelgw_process(
            ["serve", "--listen", address, "--http-listen", f"127.0.0.1:{free_port()}"],
            address,
            tmp_path,
            env,
        ) as process,
        grpc.insecure_channel(address) as channel,
    ):
        gateway = gateway_pb2_grpc.GatewayStub(channel)
        auth = (("authorization", f"Bearer {DEV_KEY}"),)
        reply = gateway.Generate(generate_request(PROMPT), metadata=auth)
        assert reply.message.content == PROMPT
        assert {f.entity_type for f in reply.trust.prompt_entities} >= {
            "PERSON",
            "PHONE_NUMBER",
            "EMAIL_ADDRESS",
        }
        streamed = "".join(
            e.delta for e in gateway.GenerateStream(generate_request(PROMPT), metadata=auth)
        )
        assert streamed == PROMPT
        record = audit_pb2_grpc.AuditStub(channel).GetRecord(
            audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=auth
        )
        assert "<PERSON_1>" in record.masked_response
        # Ingest is internal: the public port must refuse forged records.
        with pytest.raises(grpc.RpcError) as caught:
            audit_pb2_grpc.AuditStub(channel).Ingest(
                audit_pb2.IngestRequest(records=[record]), metadata=auth
            )
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert process.returncode == 0
    assert f"dev API key (from $MODELGW_DEV_API_KEY): {DEV_KEY}" in process.log_text

    # Requests only: the config file's tenant becoming version 1 is audited too (backend
    # `control`), as every change of a tenant is.
    rows = (
        sqlite3.connect(tmp_path / ".modelgw/audit.db")
        .execute(
            "select masked_prompt, masked_response from audit_records where backend <> 'control'"
        )
        .fetchall()
    )
    assert len(rows) == 2
    dump = repr(rows)
    for raw in ("Maria", "Garcia", "212-555-0187", "maria.garcia@example.org"):
        assert raw not in dump


def test_embedded_defaults_refuse_a_public_address(tmp_path: Path) -> None:
    import subprocess

    from tests.e2e.processes import MODELGW

    result = subprocess.run(
        [*MODELGW, "serve", "--listen", "0.0.0.0:0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "loopback" in result.stderr
