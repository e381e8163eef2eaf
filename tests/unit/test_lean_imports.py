"""What the default `modelgw serve` processes import: libraries that only another
configuration uses stay out of memory (issue 19: RSS of the default serve ≤ 400 MiB).

Each check runs a fresh interpreter, since this one has imported everything by now.
"""

from __future__ import annotations

import json
import subprocess
import sys

GATEWAY_IMPORTS = (
    # What `modelgw serve` imports before it builds its Assembly (cli.serve_plan).
    "modelgw.cli",
    "modelgw.common.grpc_server",
    "modelgw.common.logs",
    "modelgw.common.metrics",
    "modelgw.common.metrics_http",
    "modelgw.common.telemetry",
    "modelgw.gateway.http.server",
    "modelgw.runtime",
)
DETECTOR_IMPORTS = ("modelgw.trust.detector_worker", "modelgw.trust.detector")


def _loaded_after(imports: tuple[str, ...], watched: tuple[str, ...]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(imports)!r}: importlib.import_module(name)\n"
        f"print(json.dumps([m for m in {list(watched)!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found: list[str] = json.loads(done.stdout)
    return found


def test_the_gateway_imports_no_provider_or_store_it_is_not_configured_for() -> None:
    """botocore (Bedrock, SageMaker), tokenizers and jinja2 (vLLM), redis (cache, quotas,
    session vaults), asyncpg (Postgres stores): about 20 MiB together."""
    watched = ("botocore", "tokenizers", "jinja2", "redis", "asyncpg")
    assert _loaded_after(GATEWAY_IMPORTS, watched) == []


def test_a_detector_process_imports_no_server_machinery() -> None:
    """It runs spaCy and the recognizers; grpc, OpenTelemetry and cryptography (about
    19 MiB) are the engine's and the gateway's."""
    watched = ("grpc", "opentelemetry", "cryptography", "redis", "sqlalchemy")
    assert _loaded_after(DETECTOR_IMPORTS, watched) == []
