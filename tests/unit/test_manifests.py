"""Kubernetes and compose manifests stay parseable and hardened (no cluster needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = sorted((ROOT / "k8s/base").glob("*.yaml"))
MANIFESTS = [p for p in BASE if p.name != "kustomization.yaml"]


def _documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


@pytest.mark.parametrize(
    "path", [p for p in BASE if p.name != "kustomization.yaml"], ids=lambda p: p.stem
)
def test_deployments_are_hardened(path: Path) -> None:
    deployment = next(d for d in _documents(path) if d["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    for container in pod["containers"]:
        sc = container["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"]["drop"] == ["ALL"]
        assert "grpc" in container["readinessProbe"]
        assert container["resources"]["requests"] and container["resources"]["limits"]


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((ROOT / "k8s/base/kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in MANIFESTS}
    for generator in kustomization["configMapGenerator"]:
        for entry in generator["files"]:
            # kustomize refuses files outside the kustomization root
            assert "/" not in entry and (ROOT / "k8s/base" / entry.split("=")[-1]).exists()


def test_compose_services_use_the_shipped_config() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"gateway", "trust", "audit", "control", "postgres", "redis"} <= set(compose["services"])
    gateway = compose["services"]["gateway"]
    assert any("k8s/base/modelgw.toml" in v for v in gateway["volumes"])


def test_gpu_worker_component_is_hardened_and_headless() -> None:
    component = ROOT / "k8s/components/gpu-worker"
    kustomization = yaml.safe_load((component / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Component"
    docs = [d for r in kustomization["resources"] for d in _documents(component / r)]
    workers = next(d for d in docs if d["kind"] == "StatefulSet")
    pod = workers["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert container["readinessProbe"]["grpc"]["service"] == "vllm.grpc.engine.VllmEngine"
    service = next(d for d in docs if d["kind"] == "Service")
    assert service["spec"]["clusterIP"] == "None"
    assert workers["spec"]["serviceName"] == service["metadata"]["name"]
