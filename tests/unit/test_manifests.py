"""The shipped stacks, checked without a cluster or a Docker daemon.

Every overlay is rendered with `kubectl kustomize` (the kubectl of the dev
dependencies) and every object validated against the Kubernetes OpenAPI
schemas offline (kubernetes-validate, strict: unknown fields fail), for the
oldest and newest Kubernetes this layout supports. Gateway API objects are
CRDs the schemas do not cover: their references are checked instead. Then
the rules the issue asked for: hardened pods, secrets only as references,
the spool on a claim, the flows of the design and nothing else. Whether the
containers actually start is tests/e2e/test_container_contract.py.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from packaging.requirements import Requirement

from modelgw.common.config import load_config
from tests.containers import VENV_BIN, render

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p.name for p in (ROOT / "k8s/overlays").iterdir())
KUBERNETES = ("1.30.0", "1.37.0")  # 1.30: the preStop sleep action is on by default
MODELGW_IMAGES = {"modelgw", "modelgw-worker"}
SECRETS = {
    "modelgw-internal",
    "modelgw-db",
    "modelgw-redis",
    "modelgw-audit-signing",
    "modelgw-audit-pseudonym",
}
# CRDs the Kubernetes schemas do not cover: their references are checked instead.
CUSTOM_RESOURCES = {"gateway.networking.k8s.io/v1", "cert-manager.io/v1"}


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    out = {name: render(ROOT / "k8s/overlays" / name) for name in OVERLAYS}
    out["base"] = render(ROOT / "k8s/base")
    return out


def _of(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def _named(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(d for d in _of(docs, kind) if d["metadata"]["name"] == name)


def _pods(docs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    kinds = {"Deployment", "StatefulSet", "Job"}
    return [(d, d["spec"]["template"]["spec"]) for d in docs if d["kind"] in kinds]


def _image(container: dict[str, Any]) -> str:
    return str(container["image"]).split("/")[-1].split("@")[0].split(":")[0]


def test_every_overlay_renders_and_every_object_is_valid(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    assert {"dev", "production", "production-gpu", "production-gateway-api"} <= set(OVERLAYS)
    problems = []
    custom = 0
    for overlay, docs in rendered.items():
        for doc in docs:
            for version in KUBERNETES:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.SchemaNotFoundError:
                    assert doc["apiVersion"] in CUSTOM_RESOURCES, doc["kind"]
                    custom += 1
                except kubernetes_validate.ValidationError as exc:
                    name = f"{overlay}: {doc['kind']}/{doc['metadata']['name']} ({version})"
                    problems.append(f"{name}: {exc.message}")
    assert not problems, "\n".join(problems)
    assert custom, "the Gateway API and cert-manager examples are rendered somewhere"


def test_every_component_is_used_by_an_overlay() -> None:
    used = set()
    for overlay in OVERLAYS:
        kustomization = yaml.safe_load(
            (ROOT / "k8s/overlays" / overlay / "kustomization.yaml").read_text()
        )
        used |= {Path(c).name for c in kustomization.get("components", [])}
    assert used == {p.name for p in (ROOT / "k8s/components").iterdir()}


def test_modelgw_pods_are_hardened(rendered: dict[str, list[dict[str, Any]]]) -> None:
    for overlay, docs in rendered.items():
        accounts = {d["metadata"]["name"]: d for d in _of(docs, "ServiceAccount")}
        for workload, pod in _pods(docs):
            containers = [*pod.get("initContainers", []), *pod["containers"]]
            if not any(_image(c) in MODELGW_IMAGES for c in containers):
                continue  # the dev overlay's Postgres and Redis
            where = f"{overlay}: {workload['kind']}/{workload['metadata']['name']}"
            assert pod["securityContext"]["runAsNonRoot"] is True, where
            assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", where
            assert pod["automountServiceAccountToken"] is False, where
            account = accounts[pod["serviceAccountName"]]
            assert account["automountServiceAccountToken"] is False, where
            if workload["kind"] != "Job":
                assert pod.get("topologySpreadConstraints"), where
            for container in containers:
                sc = container["securityContext"]
                assert sc["readOnlyRootFilesystem"] is True, where
                assert sc["allowPrivilegeEscalation"] is False, where
                assert sc["capabilities"]["drop"] == ["ALL"], where
                assert container["resources"]["requests"] and container["resources"]["limits"]
            for container in pod["containers"]:
                if workload["kind"] != "Job":
                    assert "grpc" in container["readinessProbe"], where
                    assert "grpc" in container["startupProbe"], where


def test_every_volume_source_exists_or_is_a_declared_secret(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    for overlay, docs in rendered.items():
        names = {(d["kind"], d["metadata"]["name"]) for d in docs}
        # Secrets cert-manager writes for the Certificates of the overlay.
        names |= {("Secret", c["spec"]["secretName"]) for c in _of(docs, "Certificate")}
        for workload, pod in _pods(docs):
            claims = {
                t["metadata"]["name"] for t in workload["spec"].get("volumeClaimTemplates", [])
            }
            for volume in pod.get("volumes", []):
                sources = volume.get("projected", {}).get("sources", [volume])
                for source in sources:
                    if "configMap" in source:
                        assert ("ConfigMap", source["configMap"]["name"]) in names, overlay
                    secret = source.get("secret")
                    if secret is not None:
                        name = secret.get("name") or secret.get("secretName")
                        present = ("Secret", name) in names
                        external = name.rsplit("-", 1)[0] if overlay == "dev" else name
                        assert present or secret.get("optional") or external in SECRETS, name
                    if "persistentVolumeClaim" in source:
                        claim = source["persistentVolumeClaim"]["claimName"]
                        assert ("PersistentVolumeClaim", claim) in names, overlay
            for container in pod["containers"]:
                for mount in container.get("volumeMounts", []):
                    declared = {v["name"] for v in pod.get("volumes", [])} | claims
                    assert mount["name"] in declared, f"{overlay}: {mount['name']}"


def test_base_holds_no_secret_and_no_key(rendered: dict[str, list[dict[str, Any]]]) -> None:
    base = rendered["base"]
    assert not _of(base, "Secret")
    config = load_config(ROOT / "k8s/base/modelgw.toml", ROOT / "k8s/base/environment.toml")
    assert not config.tenants and not config.providers
    for overlay in ("production", "production-gpu", "production-gateway-api"):
        assert not _of(rendered[overlay], "Secret"), f"{overlay} only references Secrets"
    production = tomllib.loads((ROOT / "k8s/overlays/production/environment.toml").read_text())
    for tenant in production["tenants"].values():
        for key in tenant["api_keys"]:
            assert set(key["sha256"]) == {"0"}, "the production example has no usable key"


def test_each_environment_layer_is_a_valid_config() -> None:
    base = ROOT / "k8s/base/modelgw.toml"
    for layers in (
        ["k8s/overlays/dev/environment.toml"],
        ["k8s/overlays/production/environment.toml"],
        ["k8s/overlays/production/environment.toml", "k8s/components/gpu-worker/local-models.toml"],
        ["k8s/overlays/dev/environment.toml", "deploy/compose/compose.toml"],
        [
            "k8s/overlays/production/environment.toml",
            "k8s/components/gpu-worker/local-models.toml",
            "k8s/components/mtls/mtls.toml",
            "k8s/components/mtls-workers/mtls-workers.toml",
        ],
        [
            "k8s/overlays/dev/environment.toml",
            "deploy/compose/compose.toml",
            "k8s/components/mtls/mtls.toml",
        ],
    ):
        config = load_config(base, *(ROOT / layer for layer in layers))
        assert config.audit.spool.directory.startswith("/var/lib/modelgw/")
        assert config.server.http_address == "0.0.0.0:8080"
        for reference in (config.services.internal_token, config.audit.password):
            assert reference and reference.startswith("file:/run/secrets/modelgw/")


def test_gateway_spools_on_a_claim_per_pod_and_drains_before_the_kill(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    docs = rendered["production"]
    gateway = _named(docs, "StatefulSet", "gateway")
    (template,) = gateway["spec"]["volumeClaimTemplates"]
    pod = gateway["spec"]["template"]["spec"]
    container = pod["containers"][0]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    config = load_config(ROOT / "k8s/base/modelgw.toml")
    assert config.audit.spool.directory.startswith(mounts[template["metadata"]["name"]] + "/")
    retention = gateway["spec"]["persistentVolumeClaimRetentionPolicy"]
    assert retention == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    server = config.server
    needed = pause + server.drain_s + server.shutdown_grace_s + config.audit.spool.drain_on_stop_s
    assert pod["terminationGracePeriodSeconds"] > needed
    assert server.drain_s > 0, "NOT_SERVING is reported for a while before the ports close"
    for workload, other in _pods(docs):  # trust, audit, control: the same stop, no spool
        for process in other["containers"]:
            if "lifecycle" in process and workload["metadata"]["name"] != "gateway":
                stop = process["lifecycle"]["preStop"]["sleep"]["seconds"]
                needed = stop + server.drain_s + server.shutdown_grace_s
                assert other["terminationGracePeriodSeconds"] > needed, workload["metadata"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"grpc": 50051, "http": 8080, "metrics": 9464}
    service = _named(docs, "Service", "gateway")
    assert {p["name"] for p in service["spec"]["ports"]} == {"grpc", "http", "metrics"}


def test_every_modelgw_process_is_scraped_on_its_metrics_port(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    """The config's `[metrics] listen` port is each pod's `metrics` port, annotated for
    scraping, on its Service, and let in by a network policy; the public HTTP port of the
    gateway serves no `/metrics`."""
    config = load_config(ROOT / "k8s/base/modelgw.toml")
    assert config.metrics.listen is not None and not config.metrics.on_http_port
    port = int(config.metrics.listen.rsplit(":", 1)[1])
    docs = rendered["production"]
    for workload, pod in _pods(docs):
        name = workload["metadata"]["name"]
        if workload["kind"] == "Job":
            continue  # the migration runs and ends
        annotations = workload["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/port"] == str(port), name
        ports = {p["name"]: p["containerPort"] for p in pod["containers"][0]["ports"]}
        assert ports["metrics"] == port, name
        service = _named(docs, "Service", name)
        assert {
            "name": "metrics",
            "port": port,
            "targetPort": "metrics",
            "appProtocol": "http",
        } in (service["spec"]["ports"]), name
    scrape = _named(docs, "NetworkPolicy", "modelgw-metrics")
    assert scrape["spec"]["ingress"][0]["ports"] == [{"protocol": "TCP", "port": port}]


def test_services_wait_for_the_migration(rendered: dict[str, list[dict[str, Any]]]) -> None:
    docs = rendered["production"]
    job = _named(docs, "Job", "modelgw-migrate")
    assert job["spec"]["template"]["spec"]["containers"][0]["args"][:2] == ["audit", "migrate"]
    audit = _named(docs, "Deployment", "audit")["spec"]["template"]["spec"]
    assert audit["initContainers"][0]["args"][:2] == ["audit", "wait-schema"]
    assert load_config(ROOT / "k8s/base/modelgw.toml").audit.migrate_on_start is False


def test_disruption_budgets_autoscalers_and_network_policies(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    docs = rendered["production-gpu"]
    workloads = {
        d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for d in docs
        if d["kind"] in {"Deployment", "StatefulSet"}
    }
    budgets = {
        p["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for p in _of(docs, "PodDisruptionBudget")
    }
    assert budgets == workloads
    scaled = {h["spec"]["scaleTargetRef"]["name"] for h in _of(docs, "HorizontalPodAutoscaler")}
    assert scaled == {"gateway", "trust"}
    policies = _of(docs, "NetworkPolicy")
    covered = {
        p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
        for p in policies
    }
    assert workloads <= covered
    deny = _named(docs, "NetworkPolicy", "modelgw-default-deny")
    assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in deny["spec"]
    # Egress to the providers (443) is the gateway's alone.
    for policy in policies:
        for rule in policy["spec"].get("egress", []):
            if any(p.get("port") == 443 for p in rule.get("ports", [])):
                assert (
                    policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                    == "gateway"
                )


def test_gpu_worker_has_its_model_claim_placement_and_a_long_startup(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    docs = rendered["production-gpu"]
    worker = _named(docs, "StatefulSet", "vllm-worker")
    pod = worker["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert pod["nodeSelector"] and pod["runtimeClassName"] and pod["affinity"]
    startup = container["startupProbe"]
    assert startup["grpc"]["service"] == "vllm.grpc.engine.VllmEngine"
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 20 * 60
    assert _named(docs, "PersistentVolumeClaim", "models")["spec"]["accessModes"] == [
        "ReadOnlyMany"
    ]
    assert _named(docs, "Service", "vllm-worker")["spec"]["clusterIP"] == "None"
    gateway = _named(docs, "StatefulSet", "gateway")["spec"]["template"]["spec"]["containers"][0]
    assert "--config=/etc/modelgw/local-models.toml" in gateway["args"]


def test_front_doors_terminate_tls_from_secrets(rendered: dict[str, list[dict[str, Any]]]) -> None:
    services = {("gateway", 50051), ("gateway", 8080), ("audit", 50053)}
    ingresses = _of(rendered["production"], "Ingress")
    assert ingresses and all(i["spec"]["tls"][0]["secretName"] for i in ingresses)
    for ingress in ingresses:
        assert "cert-manager.io/cluster-issuer" in ingress["metadata"]["annotations"]
    docs = rendered["production-gateway-api"]
    assert not _of(docs, "Ingress")
    gateway = _named(docs, "Gateway", "modelgw")
    listeners = {listener["name"]: listener for listener in gateway["spec"]["listeners"]}
    for listener in listeners.values():
        assert listener["protocol"] == "HTTPS"
        assert listener["tls"]["certificateRefs"][0]["kind"] == "Secret"
    for kind in ("GRPCRoute", "HTTPRoute"):
        (route,) = _of(docs, kind)
        for parent in route["spec"]["parentRefs"]:
            assert parent["name"] == "modelgw" and parent["sectionName"] in listeners
        for rule in route["spec"]["rules"]:
            for backend in rule["backendRefs"]:
                assert (backend["name"], backend["port"]) in services, backend
                _named(docs, "Service", backend["name"])


# -- compose -------------------------------------------------------------------------------
def test_compose_health_checks_start_order_worker_profile_and_collector() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    modelgw = {n for n, s in services.items() if s.get("build", {}).get("dockerfile")}
    one_shots = {"migrate", "migrate-control"}
    assert modelgw == {*one_shots, "control", "trust", "audit", "gateway", "vllm-worker"}
    for name in modelgw - one_shots:
        assert services[name]["healthcheck"]["test"], name
    for name in modelgw:
        assert services[name]["read_only"] is True, name
    assert (
        services["audit"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    )
    control_schema = services["control"]["depends_on"]["migrate-control"]["condition"]
    assert control_schema == "service_completed_successfully"
    for name in ("trust", "audit", "control"):
        assert services["gateway"]["depends_on"][name]["condition"] == "service_healthy"
    assert services["vllm-worker"]["profiles"] == ["worker"]
    assert "otel-collector" in services
    assert any(v.startswith("audit-spool:/var/lib/modelgw") for v in services["gateway"]["volumes"])
    assert "127.0.0.1:8080:8080" in services["gateway"]["ports"]


# -- images ----------------------------------------------------------------------------------
DOCKERFILES = [ROOT / "deploy/Dockerfile", ROOT / "deploy/worker.Dockerfile"]
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def test_every_image_is_pinned_by_digest() -> None:
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text()
        for base in re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.M):
            assert DIGEST.search(base), base
        assert all(
            line.startswith("FROM ${PYTHON_IMAGE}") for line in re.findall(r"^FROM .*", text, re.M)
        )
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        if "image" in service and "build" not in service:
            assert DIGEST.search(service["image"]), name
    for docs in (render(ROOT / "k8s/overlays/dev"),):
        for _, pod in _pods(docs):
            for container in pod["containers"]:
                if _image(container) not in MODELGW_IMAGES:
                    assert DIGEST.search(container["image"]), container["image"]


def test_hadolint_is_clean() -> None:
    hadolint = VENV_BIN / "hadolint"
    result = subprocess.run(
        [str(hadolint), *map(str, DOCKERFILES)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) of a `--generate-hashes` lock file."""
    text = path.read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)(.*)$", line)
        if match:
            name = re.sub(r"[-_.]+", "-", match[1]).lower()
            pins[name] = (match[2], match[3].count("--hash=sha256:"))
    return pins


@pytest.mark.parametrize(
    ("lock", "extra"),
    [("modelgw.txt", "uvloop"), ("worker-cuda.txt", "worker"), ("worker-cpu.txt", "worker-cpu")],
)
def test_lock_files_pin_every_dependency_with_hashes(lock: str, extra: str | None) -> None:
    """The images install from these (`pip --require-hashes`): every requirement of
    pyproject.toml must be pinned there at a version it allows (`make lock` rewrites them)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *(project["optional-dependencies"][extra] if extra else [])]
    pins = _locked(ROOT / "deploy/lock" / lock)
    assert all(hashes for _, hashes in pins.values()), "every pin has hashes"
    for line in wanted:
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{lock}: {name} is not locked; run `make lock`"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock}: {name}=={version} does not satisfy {requirement.specifier}; run `make lock`"
        )
