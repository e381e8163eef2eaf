"""The other gateways: LiteLLM (its own venv; with or without Presidio) and Portkey (its own
npm folder), pinned.

Each is installed once per pinned version under the cache folder, so a rerun
does not reinstall, and never into modelgw's environment.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from bench.gateway.load import Endpoint
from bench.gateway.mock import MODEL
from bench.gateway.targets import ROOT, Target, TargetProblem, tail
from tests.ports import free_port

LITELLM_VERSION = "1.106.2"
PORTKEY_VERSION = "1.15.2"
NODE_SERVER_VERSION = "1.13.8"
HONO_VERSION = "4.13.3"


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
                    raise TargetProblem(f"`{shlex.join(step)}` failed: {tail(log, 400)}")
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


class LiteLLMPresidio(LiteLLM):
    """LiteLLM with its Presidio guardrail on every request (`pre_call`: the prompt is masked
    before it leaves), against `presidio.py` serving Presidio's REST API offline."""

    name = "litellm-presidio"
    presidio_url = ""
    summary = (
        f"LiteLLM proxy {LITELLM_VERSION} as `litellm`, with its `presidio` guardrail "
        "(pre_call, default on) calling bench/gateway/presidio.py: Presidio's analyze and "
        "anonymize routes served offline from the presidio libraries and modelgw's spaCy model "
        "(one process; its CPU and RSS are counted with LiteLLM's)"
    )

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        port = free_port()
        self.helper = subprocess.Popen(
            [sys.executable, "-m", "bench.gateway.presidio", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "services"), str(ROOT)])},
            stdout=(self.workdir / "presidio.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.presidio_url = f"http://127.0.0.1:{port}/"
        return super().launch()

    def config(self) -> dict[str, object]:
        config = super().config()
        config["guardrails"] = [
            {
                "guardrail_name": "presidio-pii",
                "litellm_params": {
                    "guardrail": "presidio",
                    "mode": "pre_call",
                    "default_on": True,
                    "presidio_analyzer_api_base": self.presidio_url,
                    "presidio_anonymizer_api_base": self.presidio_url,
                },
            }
        ]
        return config


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
                raise TargetProblem(f"`{shlex.join(step)}` failed: {tail(log, 400)}")
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
