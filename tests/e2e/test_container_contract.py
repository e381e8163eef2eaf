"""The shipped stacks start: every modelgw container runs as its manifest says, and serves.

For the Kubernetes dev overlay (rendered with kubectl kustomize) and for
docker-compose.yml, each modelgw container's exact command, args and env run
as a process (`tests/containers.py`): as the image's user, from the image's
working directory that it cannot write, with only its declared volumes
writable, its config and secrets read from the rendered ConfigMaps and
Secrets (compose: its bind mounts and secrets), against the test Postgres and
a private Redis with the shipped password. The migration one-shot runs first
and must succeed; then the services must report SERVING, answer over gRPC and
HTTP, deliver the audit records to Postgres through the gateway's spool on
its volume, and stop cleanly without having written into their working
directory.

The first test shows the check can fail: the gateway of the manifests before
this layout (relative spool directory, no writable state volume) is refused.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import grpc
import httpx
import pytest

from modelgw.api.v1 import gateway_pb2_grpc
from tests.conftest import ROOT, sqlalchemy_url
from tests.containers import (
    Container,
    Stack,
    assert_untouched,
    check_network_names,
    compose_containers,
    k8s_containers,
    render,
    stack_network,
)
from tests.harness import generate_request
from tests.ports import free_port
from tests.reliability.audit_checks import wait_for_records
from tests.reliability.throwaway_redis import ThrowawayRedis

DEMO_KEY = "mgw_compose_demo_key"  # the dev overlay's published demo key
PROMPT = "Please call Jane Doe at +1 650-555-0144 about the contract."
COMPOSE_SECRETS = {
    "MODELGW_INTERNAL_TOKEN": "compose-contract-internal-token-01",
    "MODELGW_DB_PASSWORD": "compose-contract-db-password",
    "MODELGW_REDIS_PASSWORD": "compose-contract-redis-password",
    "MODELGW_AUDIT_SIGNING_KEY": base64.b64encode(bytes(range(32))).decode(),
    "MODELGW_AUDIT_PSEUDONYM_KEY": base64.b64encode(bytes(range(32, 64))).decode(),
}
SERVICES = ("control", "trust", "audit", "gateway")


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    return tmp_path


def _dev_secret(rendered: list[dict], name: str, key: str) -> str:
    secret = next(
        d for d in rendered if d["kind"] == "Secret" and d["metadata"]["name"].startswith(name)
    )
    return base64.b64decode(secret["data"][key]).decode()


def _serve_a_request(stack: Stack) -> None:
    """A Generate over gRPC and a chat completion over HTTP, with the demo key."""
    auth = (("authorization", f"Bearer {DEMO_KEY}"),)
    with grpc.insecure_channel(stack.address("gateway")) as channel:
        reply = gateway_pb2_grpc.GatewayStub(channel).Generate(
            generate_request(PROMPT), metadata=auth, timeout=60
        )
    assert reply.message.content == PROMPT
    assert {f.entity_type for f in reply.trust.prompt_entities} >= {"PERSON", "PHONE_NUMBER"}
    response = httpx.post(
        f"http://{stack.address('http')}/v1/chat/completions",
        headers={"authorization": f"Bearer {DEMO_KEY}"},
        json={"model": "echo", "messages": [{"role": "user", "content": PROMPT}]},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == PROMPT


def _run_stack(stack: Stack, pg_dsn: str, one_shots: list[str]) -> None:
    for name in one_shots:
        stack.run_to_completion(name)
    stack.serve(*SERVICES)
    _serve_a_request(stack)
    assert asyncio.run(wait_for_records(pg_dsn, 2, timeout_s=60)) >= 2, "records reach Postgres"
    spool = stack.sandbox("gateway").host("/var/lib/modelgw/audit-spool")
    assert spool.is_dir(), "the gateway spools on its state volume"
    for name in reversed(SERVICES):
        stack.stop(name)
    for name in [*one_shots, *SERVICES]:
        assert_untouched(stack.workdir(name))


@pytest.fixture
def k8s_dev() -> list[dict]:
    return render(ROOT / "k8s/overlays/dev")


def _k8s_stack(rendered: list[dict], pg_dsn: str, redis_url: str, logs: Path) -> Stack:
    containers = k8s_containers(rendered)
    network = stack_network(sqlalchemy_url(pg_dsn), redis_url)
    config = next(d for d in rendered if d["metadata"]["name"].startswith("modelgw-config"))
    check_network_names(config["data"]["modelgw.toml"], network)
    return Stack(containers, network, logs, pods={"wait-schema": "audit"})


def test_the_check_fails_for_a_gateway_that_writes_where_it_runs(
    k8s_dev: list[dict], pg_database: str, logs: Path
) -> None:
    """The gateway of the old manifests: spool relative to a read-only working directory."""
    stack = _k8s_stack(k8s_dev, pg_database, "redis://127.0.0.1:1/0", logs)
    gateway = stack.containers["gateway"]
    old = Container(
        "gateway",
        gateway.argv,
        {k: v for k, v in gateway.env.items() if k != "MODELGW_STATE_DIR"},
        gateway.workdir,
        gateway.user,
        [m for m in gateway.mounts if m.path != "/var/lib/modelgw"],
    )
    toml = "modelgw.toml"
    config = next(m for m in old.mounts if m.path == "/etc/modelgw")
    text = config.files[toml].decode()
    config.files[toml] = text.replace('directory = "/var/lib/modelgw/audit-spool"', "").encode()
    stack.containers["gateway"] = old
    try:
        process = stack.start("gateway")
        assert process.wait(timeout=60) == 2
        log = stack.log("gateway").read_text()
        assert "audit.spool.directory: cannot use" in log and ".modelgw/audit-spool" in log
    finally:
        stack.close()


def test_kubernetes_dev_overlay_containers_start_and_serve(
    k8s_dev: list[dict], pg_database: str, logs: Path
) -> None:
    redis = ThrowawayRedis(password=_dev_secret(k8s_dev, "modelgw-redis", "password"))
    redis.start()
    stack = _k8s_stack(k8s_dev, pg_database, redis.url, logs)
    try:
        assert set(stack.containers) == {"migrate", "wait-schema", *SERVICES}
        _run_stack(stack, pg_database, ["migrate", "wait-schema"])
    finally:
        stack.close()
        redis.close()


def test_compose_containers_start_and_serve(
    pg_database: str, logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    containers = compose_containers(ROOT / "docker-compose.yml", COMPOSE_SECRETS)
    assert set(containers) == {"migrate", *SERVICES, "vllm-worker"}
    del containers["vllm-worker"]  # needs the vLLM venv: tests/e2e/test_worker_contract.py
    redis = ThrowawayRedis(password=COMPOSE_SECRETS["MODELGW_REDIS_PASSWORD"])
    redis.start()
    network = stack_network(sqlalchemy_url(pg_database), redis.url)
    network["otel-collector:4317"] = f"127.0.0.1:{free_port()}"  # no collector: spans drop
    stack = Stack(containers, network, logs)
    try:
        _run_stack(stack, pg_database, ["migrate"])
    finally:
        stack.close()
        redis.close()
