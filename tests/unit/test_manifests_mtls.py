"""The mutual-TLS option of the shipped stacks, checked without a cluster or a Docker daemon.

k8s/components/mtls (+ mtls-workers) and deploy/compose/mtls.yaml must wire what the
config layer names: each pod mounts its own certificate where the layer reads it, the
certificate carries the name the others dial, the probes reach the plaintext health
port the layer opens, and every object lands in the overlay's namespace. That the
services then talk over mTLS is tests/e2e/test_split_services.py and
tests/integration/test_vllm_worker_tls.py.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest
import yaml

from modelgw.common.config import load_config
from tests.containers import render
from tests.unit.test_manifests import OVERLAYS, ROOT

LAYERS = [
    ROOT / "k8s/base/modelgw.toml",
    ROOT / "k8s/overlays/production/environment.toml",
    ROOT / "k8s/components/gpu-worker/local-models.toml",
    ROOT / "k8s/components/mtls/mtls.toml",
    ROOT / "k8s/components/mtls-workers/mtls-workers.toml",
]
SERVICES = ("gateway", "trust", "audit", "control")


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    return render(ROOT / "k8s/overlays/production-mtls")


def _workload(docs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(
        d
        for d in docs
        if d["kind"] in {"Deployment", "StatefulSet"} and d["metadata"]["name"] == name
    )


def _certificate_of(docs: list[dict[str, Any]], secret: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == "Certificate" and d["spec"]["secretName"] == secret)


def _tls_secret(pod: dict[str, Any], mount_path: str) -> str:
    """The Secret behind the volume a container mounts at `mount_path`."""
    (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == mount_path]
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    (source,) = volume["projected"]["sources"]  # projected: the kubelet updates it in place
    return str(source["secret"]["name"])


def test_every_service_mounts_its_own_certificate_where_the_layer_reads_it(
    docs: list[dict[str, Any]],
) -> None:
    config = load_config(*LAYERS)
    tls, client = config.services.tls, config.services.client_tls
    assert tls and tls.require_client_cert and client and client.presents_certificate
    directory = str(PurePosixPath(tls.cert_file).parent)
    files = (tls.key_file, tls.client_ca_file, client.ca_file, client.cert_file, client.key_file)
    assert {str(PurePosixPath(str(f)).parent) for f in files} == {directory}
    issuers = {d["metadata"]["name"] for d in docs if d["kind"] == "Issuer"}
    dialled = {
        "trust": config.services.trust_address,
        "audit": config.services.audit_address,
        "control": config.services.control_address,
    }
    secrets = set()
    for service in SERVICES:
        pod = _workload(docs, service)["spec"]["template"]["spec"]
        assert "--config=/etc/modelgw/mtls.toml" in pod["containers"][0]["args"]
        secret = _tls_secret(pod, directory)
        certificate = _certificate_of(docs, secret)
        assert certificate["spec"]["issuerRef"]["name"] in issuers
        assert {"server auth", "client auth"} <= set(certificate["spec"]["usages"])
        if service in dialled:
            host = str(dialled[service]).rsplit(":", 1)[0]
            assert host in certificate["spec"]["dnsNames"], service
        secrets.add(secret)
    assert len(secrets) == len(SERVICES), "each service presents its own certificate"


def test_probes_reach_the_plaintext_health_ports(docs: list[dict[str, Any]]) -> None:
    config = load_config(*LAYERS)
    assert config.server.health_address
    health_port = int(config.server.health_address.rsplit(":", 1)[1])
    for service in (*SERVICES, "vllm-worker"):
        container = _workload(docs, service)["spec"]["template"]["spec"]["containers"][0]
        port = health_port
        if service == "vllm-worker":
            (listen,) = [a for a in container["args"] if a.startswith("--health-listen=")]
            port = int(listen.rsplit(":", 1)[1])
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["health"] == port, service
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"]["port"] == port, f"{service} {probe}"


def test_workers_serve_mutual_tls_under_the_name_the_gateway_checks(
    docs: list[dict[str, Any]],
) -> None:
    config = load_config(*LAYERS)
    provider = config.providers["local"]
    tls = getattr(provider, "tls", None)
    assert tls is not None and tls.presents_certificate and tls.server_name
    pod = _workload(docs, "vllm-worker")["spec"]["template"]["spec"]
    args = pod["containers"][0]["args"]
    assert "--tls-require-client-cert" in args
    cert = next(a for a in args if a.startswith("--tls-cert-file=")).split("=", 1)[1]
    certificate = _certificate_of(docs, _tls_secret(pod, str(PurePosixPath(cert).parent)))
    assert tls.server_name in certificate["spec"]["dnsNames"]
    gateway = _workload(docs, "gateway")["spec"]["template"]["spec"]["containers"][0]
    assert gateway["args"][-1] == "--config=/etc/modelgw/mtls-workers.toml"


@pytest.mark.parametrize("overlay", [o for o in OVERLAYS if o.startswith("production")])
def test_every_object_of_a_production_overlay_is_in_its_namespace(overlay: str) -> None:
    """Components add objects after the base's namespace was set: they must follow it."""
    rendered = render(ROOT / "k8s/overlays" / overlay)
    stray = [
        f"{d['kind']}/{d['metadata']['name']}"
        for d in rendered
        if d["metadata"].get("namespace") != "modelgw"
    ]
    assert not stray, stray


def test_compose_mtls_override_mounts_each_services_certificate_and_layer() -> None:
    override = yaml.safe_load((ROOT / "deploy/compose/mtls.yaml").read_text())["services"]
    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    config = load_config(
        ROOT / "k8s/base/modelgw.toml",
        ROOT / "k8s/overlays/dev/environment.toml",
        ROOT / "deploy/compose/compose.toml",
        ROOT / "k8s/components/mtls/mtls.toml",
    )
    assert config.services.tls and config.server.health_address
    directory = str(PurePosixPath(config.services.tls.cert_file).parent)
    health = config.server.health_address.rsplit(":", 1)[1]
    for service in SERVICES:
        spec = override[service]
        assert spec["command"][: len(base[service]["command"])] == base[service]["command"]
        assert spec["command"][-1] == "--config=/etc/modelgw/mtls.toml"
        mounts = dict(v.split(":")[1::-1] for v in spec["volumes"])
        assert mounts[directory] == f"./deploy/compose/certs/{service}", service
        assert mounts["/etc/modelgw/mtls.toml"] == "./k8s/components/mtls/mtls.toml"
        assert spec["healthcheck"]["test"][-1] == f"127.0.0.1:{health}", service
    worker = override["vllm-worker"]
    assert "--tls-require-client-cert" in worker["command"]
    assert worker["volumes"] == [f"./deploy/compose/certs/vllm-worker:{directory}:ro"]
