"""The gateways under test: each installs (once per pinned version), starts, waits ready, stops.

LiteLLM goes into its own virtual environment and Portkey into its own npm
folder under the cache directory, one per pinned version, so a rerun does not
reinstall and the benchmark never touches modelgw's environment. A target that
cannot be installed or started records why in `problem`; the run goes on with
the others and the report says so.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from bench.gateway.load import Connection, Endpoint
from bench.gateway.mock import MODEL
from bench.gateway.prompts import PLAIN
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
LITELLM_VERSION = "1.106.2"
PORTKEY_VERSION = "1.15.2"
NODE_SERVER_VERSION = "1.13.8"
HONO_VERSION = "4.13.3"
READY_S = 240.0


class TargetProblem(Exception):
    """The target cannot run here; the message says why, for the report."""


def _tail(path: Path, chars: int = 600) -> str:
    try:
        return path.read_text(errors="replace")[-chars:].strip()
    except OSError:
        return ""


class Target:
    """One gateway process (or the mock itself, for `direct`) the load is sent to."""

    name = "target"
    summary = ""

    def __init__(self, mock_port: int, workdir: Path, cache: Path, port: int) -> None:
        self.mock_port = mock_port
        self.mock_url = f"http://127.0.0.1:{mock_port}/v1"
        self.workdir = workdir / self.name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cache = cache
        self.port = port
        self.version = ""
        self.command: list[str] = []
        self.problem = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.workdir / "server.log"

    def install(self) -> None:
        """Make the target runnable and set `version`; raises TargetProblem when it cannot."""

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        """The command line, environment and working directory of the server."""
        raise NotImplementedError

    def endpoint(self) -> Endpoint:
        return Endpoint(self.port)

    def describe(self) -> dict[str, str]:
        """What the report says about this target: what it is, which version, how it ran."""
        return {
            "name": self.name,
            "summary": self.summary,
            "version": self.version,
            "command": shlex.join(self.command),
            "problem": " ".join(self.problem.split()),
        }

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        command, env, cwd = self.launch()
        self.command = command
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT
        )

    async def ready(self) -> None:
        """Waits until a real chat request through the target reaches the mock and back."""
        deadline = time.monotonic() + READY_S
        connection = Connection(self.endpoint())
        last = ""
        try:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise TargetProblem(f"exited with {self.process.returncode}: {_tail(self.log)}")
                reply = await connection.send(PLAIN)
                if not reply.problem:
                    return
                last = reply.problem
                await asyncio.sleep(0.5)
        finally:
            await connection.close()
        raise TargetProblem(f"not ready in {READY_S:.0f} s (last: {last}): {_tail(self.log)}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Direct(Target):
    """The mock itself: the baseline every added latency is taken against."""

    name = "direct"
    summary = "the mock upstream, no gateway (baseline; its CPU and RSS are the mock's)"

    def install(self) -> None:
        self.version = "bench/gateway/mock.py"

    def start(self) -> None:
        """The runner started the mock before any gateway and set `process` to it."""
        assert self.process is not None
        self.command = [str(a) for a in self.process.args]  # type: ignore[union-attr]


class Modelgw(Target):
    """`modelgw serve` from this checkout, embedded defaults with the mock as its one backend."""

    name = "modelgw"
    summary = "modelgw serve, embedded defaults (SQLite audit, in-process quotas), cache off"
    KEY = "mgw_bench_gateway_0123456789abcdef"

    def install(self) -> None:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "services"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        self.version = f"{head}{'+changes' if dirty else ''} (this checkout)"

    def config(self) -> dict[str, object]:
        from modelgw.common.config.defaults import embedded_config

        config = embedded_config(self.KEY).model_dump(mode="json", exclude_defaults=True)
        config["cache"] = {"backend": "none"}
        config["providers"] = {"mock": {"type": "openai_compatible", "base_url": self.mock_url}}
        config["models"] = {MODEL: {"route": [{"provider": "mock"}]}}
        return config

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        path = self.workdir / "modelgw.yaml"
        path.write_text(json.dumps(self.config(), indent=1))  # JSON is YAML
        env = {
            **os.environ,
            "MODELGW_STATE_DIR": str(self.workdir / "state"),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "services"), str(ROOT)]),
        }
        command = [
            sys.executable, "-m", "modelgw.cli", "--log-level", "WARNING", "serve",
            "--config", str(path), "--listen", f"127.0.0.1:{free_port()}",
            "--http-listen", f"127.0.0.1:{self.port}",
        ]  # fmt: skip
        return command, env, self.workdir

    def endpoint(self) -> Endpoint:
        return Endpoint(self.port, headers=(("authorization", f"Bearer {self.KEY}"),))


class ModelgwShared(Modelgw):
    """The same, with the audit log in Postgres and quotas counted in Redis (a deployment's)."""

    name = "modelgw-pg-redis"
    summary = (
        "modelgw serve, audit in Postgres, quotas in Redis (a high limit, so every request "
        "is counted), cache off"
    )
    PG_ADMIN = os.environ.get("MODELGW_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
    REDIS_URL = os.environ.get("MODELGW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

    def __init__(self, mock_port: int, workdir: Path, cache: Path, port: int) -> None:
        super().__init__(mock_port, workdir, cache, port)
        self.database = f"modelgw_bench_gateway_{os.getpid()}"
        self.key_prefix = f"modelgw-bench-gateway:{os.getpid()}"

    def install(self) -> None:
        super().install()
        asyncio.run(self._admin(f'CREATE DATABASE "{self.database}"'))

    async def _admin(self, statement: str) -> None:
        import asyncpg

        try:
            conn = await asyncpg.connect(self.PG_ADMIN, timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            raise TargetProblem(f"Postgres at {self.PG_ADMIN} unreachable: {exc}") from exc
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    def config(self) -> dict[str, object]:
        config = super().config()
        pg = self.PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        config["audit"] = {"url": f"{pg}/{self.database}"}
        config["quotas"] = {
            "store": "redis",
            "redis_url": self.REDIS_URL,
            "key_prefix": self.key_prefix,
        }
        tenants = config["tenants"]
        assert isinstance(tenants, dict)
        for tenant in tenants.values():
            tenant["quotas"] = {"requests_per_minute": 100_000_000}
        return config

    def stop(self) -> None:
        super().stop()
        import redis

        client = redis.Redis.from_url(self.REDIS_URL)
        keys = list(client.scan_iter(f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)  # only this run's keys; the Redis is shared
        client.close()
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))


class LiteLLM(Target):
    """LiteLLM's proxy, one worker, in its own venv."""

    name = "litellm"
    summary = f"LiteLLM proxy {LITELLM_VERSION}, one worker, master key, no database, own venv"
    MASTER_KEY = "sk-bench-gateway-0123456789abcdef"

    @property
    def home(self) -> Path:
        return self.cache / f"litellm-{LITELLM_VERSION}"

    def install(self) -> None:
        binary = self.home / "venv/bin/litellm"
        if not binary.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            log = self.home / "install.log"
            steps = [
                [sys.executable, "-m", "venv", str(self.home / "venv")],
                [str(self.home / "venv/bin/pip"), "install", f"litellm[proxy]=={LITELLM_VERSION}"],
            ]
            for step in steps:
                with log.open("ab") as out:
                    done = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT)
                if done.returncode:
                    raise TargetProblem(f"`{shlex.join(step)}` failed: {_tail(log, 400)}")
        self.version = subprocess.run(
            [str(self.home / "venv/bin/python"), "-c",
             "import importlib.metadata as m; print(m.version('litellm'))"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

    def config(self) -> dict[str, object]:
        return {
            "model_list": [
                {
                    "model_name": MODEL,
                    "litellm_params": {
                        "model": f"openai/{MODEL}",
                        "api_base": self.mock_url,
                        "api_key": "sk-mock",
                    },
                }
            ],
            "litellm_settings": {"telemetry": False, "drop_params": True},
            "general_settings": {"master_key": self.MASTER_KEY},
        }

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        path = self.workdir / "litellm.yaml"
        path.write_text(json.dumps(self.config(), indent=1))
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}},
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no fetch of the price list at start
            "LITELLM_LOG": "ERROR",
        }
        command = [
            str(self.home / "venv/bin/litellm"), "--config", str(path), "--host", "127.0.0.1",
            "--port", str(self.port), "--num_workers", "1", "--telemetry", "False",
        ]  # fmt: skip
        return command, env, self.workdir

    def endpoint(self) -> Endpoint:
        return Endpoint(self.port, headers=(("authorization", f"Bearer {self.MASTER_KEY}"),))


class Portkey(Target):
    """Portkey's open-source gateway on Node, routed to the mock by headers.

    npm resolves the gateway's `@hono/node-server` dependency (`^1.3.3`) to the newest
    1.x, whose lightweight Response reuses the upstream fetch's immutable headers: every
    streamed request then fails with HTTP 500 ("immutable" in the log) when the gateway adds
    its own headers. Portkey's repository patches its dependencies at install
    (`patch-package`), but the npm package ships no patches, so the install pins the last
    node-server without that code path (1.13.8) and the hono that was current when 1.15.2
    was released.
    """

    name = "portkey"
    summary = (
        f"Portkey gateway {PORTKEY_VERSION} (npm @portkey-ai/gateway) on Node, headless; "
        f"@hono/node-server pinned to {NODE_SERVER_VERSION}, hono to {HONO_VERSION}"
    )

    @property
    def home(self) -> Path:
        return self.cache / f"portkey-{PORTKEY_VERSION}-node-server-{NODE_SERVER_VERSION}"

    @property
    def server(self) -> Path:
        return self.home / "node_modules/@portkey-ai/gateway/build/start-server.js"

    def install(self) -> None:
        if not self.server.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            package = {
                "name": "bench-portkey",
                "private": True,
                "dependencies": {"@portkey-ai/gateway": PORTKEY_VERSION},
                "overrides": {"@hono/node-server": NODE_SERVER_VERSION, "hono": HONO_VERSION},
            }
            (self.home / "package.json").write_text(json.dumps(package, indent=1))
            log = self.home / "install.log"
            step = ["npm", "install", "--no-audit", "--no-fund"]
            with log.open("ab") as out:
                try:
                    done = subprocess.run(step, cwd=self.home, stdout=out, stderr=subprocess.STDOUT)
                except FileNotFoundError as exc:
                    raise TargetProblem(f"npm not installed: {exc}") from exc
            if done.returncode or not self.server.exists():
                raise TargetProblem(f"`{shlex.join(step)}` failed: {_tail(log, 400)}")
        package = json.loads((self.server.parents[1] / "package.json").read_text())
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
        self.version = f"{package['version']} (node {node.strip()})"

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        command = ["node", str(self.server), f"--port={self.port}", "--headless"]
        return command, dict(os.environ), self.home

    def endpoint(self) -> Endpoint:
        return Endpoint(
            self.port,
            headers=(
                ("x-portkey-provider", "openai"),
                ("x-portkey-custom-host", self.mock_url),
                ("authorization", "Bearer sk-mock"),
            ),
        )


GATEWAYS: dict[str, type[Target]] = {t.name: t for t in (Modelgw, ModelgwShared, LiteLLM, Portkey)}
