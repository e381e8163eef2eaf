"""The four services as separate processes talking gRPC, with the audit log on the real Postgres.

They run with mutual TLS, as the k8s/components/mtls component runs them: every
internal listener requires a client certificate from the deployment's CA, each
service presents its own (through a config layer of its own, as each pod mounts its
own Secret at the same path), and the gateway's public doors are TLS for clients
that bring an API key. One stack serves every test of the module.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import grpc
import httpx
import pytest
import yaml
from grpc_health.v1 import health_pb2

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc, common_pb2, gateway_pb2_grpc
from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.tls import ClientTls
from modelgw.common.health import health_stub
from tests.conftest import fresh_pg_database, sqlalchemy_url
from tests.e2e.processes import MODELGW, ModelgwProcess, grpc_channel, modelgw_process
from tests.harness import generate_request
from tests.ports import free_port
from tests.tls_certs import Authority, Issued

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
            "drain_s": 0,  # no load balancer to tell: stop at once
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


def _tls_layer(path: Path, own: Issued) -> None:
    """One service's certificate: what it serves, what it presents, the CA it trusts."""
    files = {"cert_file": str(own.cert), "key_file": str(own.key)}
    layer = {
        "server": {"tls": files},  # the gateway's public doors: TLS, API keys inside
        "services": {
            "tls": {**files, "client_ca_file": str(own.ca), "require_client_cert": True},
            "client_tls": {**files, "ca_file": str(own.ca)},
        },
    }
    path.write_text(yaml.safe_dump(layer))


def _client(issued: Issued | None, ca: Path) -> ClientTls:
    if issued is None:
        return ClientTls(ca_file=str(ca))
    return ClientTls(ca_file=str(ca), cert_file=str(issued.cert), key_file=str(issued.key))


@dataclass
class SplitStack:
    ports: dict[str, int]
    ca: Authority
    operator: Issued
    """A certificate from the deployment's CA for the test's own calls (auditor, probe)."""
    pg_dsn: str
    scrape: dict[str, int]
    """Each process's own metrics port, by service."""
    gateway_process: ModelgwProcess | None = None

    def address(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    @property
    def internal(self) -> ClientTls:
        return _client(self.operator, self.ca.ca_file)

    @property
    def public(self) -> ClientTls:
        return _client(None, self.ca.ca_file)


@pytest.fixture(scope="module")
async def stack_database() -> AsyncIterator[str]:
    async with fresh_pg_database() as dsn:
        yield dsn


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, stack_database: str) -> Iterator[SplitStack]:
    tmp_path = tmp_path_factory.mktemp("split")
    ports = {name: free_port() for name in ("gateway", "http", "trust", "audit", "control")}
    config = tmp_path / "modelgw.yaml"
    _write_config(config, stack_database, ports)
    env = {
        "MODELGW_INTERNAL_TOKEN": "e2e-internal-token-0123456789",
        "MODELGW_AUDIT_PSEUDONYM_KEY": "0f" * 32,
    }
    ca = Authority(tmp_path / "pki")
    scrape = {name: free_port() for name in ("gateway", "trust")}
    stack = SplitStack(ports, ca, ca.issue("operator", ("operator",)), stack_database, scrape)

    def run(service: str, tls: ClientTls) -> contextlib.AbstractContextManager[ModelgwProcess]:
        layer = tmp_path / f"{service}-tls.yaml"
        _tls_layer(layer, ca.issue(service))
        args = [service, "--config", str(config), "--config", str(layer)]
        if service in scrape:  # its own metrics port; JSON log lines from the gateway
            settings: dict[str, dict[str, object]] = {
                "metrics": {"listen": f"127.0.0.1:{scrape[service]}"}
            }
            if service == "gateway":
                settings["logging"] = {"format": "json"}
            observability = tmp_path / f"{service}-observability.yaml"
            observability.write_text(yaml.safe_dump(settings))
            args += ["--config", str(observability)]
        return modelgw_process(args, stack.address(service), tmp_path, env, tls)

    with (
        run("control", stack.internal),
        run("trust", stack.internal),
        run("audit", stack.internal),
        run("gateway", stack.public) as gateway,
    ):
        stack.gateway_process = gateway
        yield stack


def test_split_services_mask_restore_and_audit_to_postgres(stack: SplitStack) -> None:
    with (
        grpc_channel(stack.address("gateway"), stack.public) as channel,
        grpc_channel(stack.address("audit"), stack.internal) as audit_channel,
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

    # Each process serves its own metrics: the gateway counts the requests, the trust
    # service the detections; neither names a value.
    gateway_metrics = httpx.get(f"http://127.0.0.1:{stack.scrape['gateway']}/metrics").text
    trust_metrics = httpx.get(f"http://127.0.0.1:{stack.scrape['trust']}/metrics").text
    counted = 'backend="echo",model="support-bot",status="OK",tenant="acme"} 2.0'
    assert "modelgw_requests_total{" + counted in gateway_metrics
    assert 'modelgw_trust_detection_duration_seconds_count{tenant="acme"}' in trust_metrics
    for raw in RAW:
        assert raw not in gateway_metrics + trust_metrics

    rows = asyncio.run(_stored_rows(stack.pg_dsn))
    assert len(rows) == 2
    dump = json.dumps([dict(r) for r in rows], default=str)
    for raw in RAW:
        assert raw not in dump
    assert "<PERSON_1>" in dump and "<EMAIL_ADDRESS_1>" in dump


async def _stored_rows(dsn: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch("select * from audit_records")
    finally:
        await conn.close()


def _check(address: str, tls: ClientTls | None) -> grpc.StatusCode:
    """OK if the port answers a health check over this channel, else the failure's code."""
    with grpc_channel(address, tls) as channel:
        try:
            health_stub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        except grpc.RpcError as exc:
            code: grpc.StatusCode = exc.code()
            return code
    return grpc.StatusCode.OK


def test_internal_ports_refuse_clients_without_a_certificate_from_the_ca(
    stack: SplitStack, tmp_path: Path
) -> None:
    stranger = Authority(tmp_path / "stranger", "another CA").issue("gateway", ("gateway",))
    # Trusting the deployment's CA but presenting a certificate it never signed.
    impostor = ClientTls(
        ca_file=str(stack.ca.ca_file), cert_file=str(stranger.cert), key_file=str(stranger.key)
    )
    for service in ("trust", "audit", "control"):
        address = stack.address(service)
        assert _check(address, stack.internal) == grpc.StatusCode.OK, service
        assert _check(address, stack.public) == grpc.StatusCode.UNAVAILABLE, service
        assert _check(address, impostor) == grpc.StatusCode.UNAVAILABLE, service


def test_tls_ports_refuse_plaintext_clients(stack: SplitStack) -> None:
    for service in ("gateway", "trust", "audit", "control"):
        assert _check(stack.address(service), None) == grpc.StatusCode.UNAVAILABLE, service
    with httpx.Client(timeout=10) as plain, pytest.raises(httpx.HTTPError):
        plain.get(f"http://127.0.0.1:{stack.ports['http']}/v1/models")
    # The same HTTP door over TLS, with the gateway's certificate.
    with httpx.Client(verify=ssl.create_default_context(cafile=stack.ca.ca_file)) as https:
        models = https.get(
            f"https://localhost:{stack.ports['http']}/v1/models",
            headers={"authorization": f"Bearer {USER_KEY}"},
            timeout=10,
        )
    assert models.status_code == 200 and "support-bot" in models.text


def _health_command(address: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MODELGW, "health", address, "--timeout-s", "5", *options],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_modelgw_health_probes_a_mutual_tls_port_with_its_options(stack: SplitStack) -> None:
    options = ["--tls-ca-file", str(stack.ca.ca_file)]
    options += ["--tls-cert-file", str(stack.operator.cert)]
    options += ["--tls-key-file", str(stack.operator.key)]
    checked = _health_command(stack.address("trust"), *options)
    assert checked.returncode == 0 and "SERVING" in checked.stdout, checked.stderr
    assert _health_command(stack.address("trust")).returncode == 1
    without_cert = _health_command(stack.address("trust"), *options[:2])
    assert without_cert.returncode == 1 and "UNAVAILABLE" in without_cert.stderr
