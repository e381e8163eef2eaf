"""Start `modelgw` commands as real processes and wait until their gRPC health says SERVING.

With `tls`, the health check speaks TLS (mutual when `tls` has a client certificate),
as a probe of a TLS port must.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

from modelgw.common.channels import channel_credentials, channel_options
from modelgw.common.config.tls import ClientTls
from modelgw.common.health import health_stub

MODELGW = [sys.executable, "-m", "modelgw.cli"]


def grpc_channel(address: str, tls: ClientTls | None = None) -> grpc.Channel:
    """A blocking channel to a modelgw port: plaintext, or TLS as `tls` says."""
    if tls is None:
        return grpc.insecure_channel(address)
    return grpc.secure_channel(address, channel_credentials(tls), options=channel_options(tls))


def wait_serving(
    address: str,
    process: subprocess.Popen[bytes],
    log: Path,
    timeout: float = 90,
    tls: ClientTls | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    with grpc_channel(address, tls) as channel:
        stub = health_stub(channel)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"process exited with {process.returncode}:\n{log.read_text()}")
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    raise TimeoutError(f"{address} not SERVING after {timeout}s:\n{log.read_text()}")


class ModelgwProcess(subprocess.Popen[bytes]):
    """A `modelgw` child process; `log_text` is its whole output once it has stopped."""

    log_text = ""


@contextlib.contextmanager
def modelgw_process(
    args: list[str],
    address: str,
    workdir: Path,
    env: dict[str, str] | None = None,
    tls: ClientTls | None = None,
    start_timeout_s: float = 90,
) -> Iterator[ModelgwProcess]:
    """Run `modelgw ARGS` in `workdir`; on exit send SIGTERM and require a clean stop.

    `tls` is how to reach `address` for the health check (its port is TLS);
    `start_timeout_s` is how long it may take to report SERVING there."""
    log = workdir / f"modelgw-{args[0]}-{address.rsplit(':', 1)[-1]}.log"
    with log.open("wb") as out:
        process = ModelgwProcess(
            [*MODELGW, *args],
            cwd=workdir,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_serving(address, process, log, timeout=start_timeout_s, tls=tls)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError(f"no graceful stop within 30s:\n{log.read_text()}") from None
        process.log_text = log.read_text()
