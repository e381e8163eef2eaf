"""`modelgw worker` with TLS options: real vLLM (CPU build) behind the worker's TLS front.

vLLM's gRPC launcher only listens in plaintext; with `--tls-*` the worker runs the
engine on loopback and serves its address with mutual TLS, plus a plaintext port
that answers health alone (Kubernetes' gRPC probes cannot speak TLS). The gateway's
`vllm` provider reaches it with `tls` in its config.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2
from smg_grpc_proto.generated import vllm_engine_pb2

from modelgw.common.config.providers import VllmProvider
from modelgw.common.health import health_stub
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.providers.base import BackendRequest
from modelgw.providers.vllm import VllmBackend
from modelgw.providers.vllm.engine_stub import engine_stub
from tests.ports import free_port
from tests.tls_certs import Authority
from tests.vllm_support.workers import STARTUP_TIMEOUT_S, start_worker, stop_worker

WORKER_NAME = "vllm-worker.modelgw.svc.cluster.local"


def _engine_serving(health_address: str) -> bool:
    with grpc.insecure_channel(health_address) as channel:
        try:
            reply = health_stub(channel).Check(
                health_pb2.HealthCheckRequest(service="vllm.grpc.engine.VllmEngine"), timeout=2
            )
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


async def _plaintext_refused(address: str) -> grpc.StatusCode:
    async with grpc.aio.insecure_channel(address) as channel:
        try:
            await engine_stub(channel).GetLoads(vllm_engine_pb2.GetLoadsRequest(), timeout=5)
        except grpc.aio.AioRpcError as exc:
            return exc.code()
    return grpc.StatusCode.OK


def test_worker_serves_mutual_tls_and_a_plaintext_health_port(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    ca = Authority(tmp_path / "pki")
    served = ca.issue("worker", (WORKER_NAME,))
    gateway = ca.issue("gateway", ("gateway",))
    health_address = f"127.0.0.1:{free_port()}"
    worker = start_worker(
        tiny_model_dir,
        tmp_path / "worker.log",
        (
            *("--tls-cert-file", str(served.cert), "--tls-key-file", str(served.key)),
            *("--tls-client-ca-file", str(ca.ca_file), "--tls-require-client-cert"),
            *("--health-listen", health_address),
        ),
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _engine_serving(health_address):
            if worker.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"TLS worker not serving:\n{worker.log_text()[-4000:]}")
            time.sleep(0.5)

        provider = VllmProvider.model_validate(
            {
                "type": "vllm",
                "workers": [worker.address],
                "tls": {
                    "ca_file": str(ca.ca_file),
                    "cert_file": str(gateway.cert),
                    "key_file": str(gateway.key),
                    "server_name": WORKER_NAME,
                },
            }
        )

        async def generate() -> str:
            backend = VllmBackend("local", provider)
            request = BackendRequest(
                model="tiny",
                messages=[ChatMessage(Role.USER, "hello")],
                params=GenerationParams(max_tokens=4, temperature=0.0),
                request_id="tls-worker",
            )
            try:
                return (await backend.generate(request)).finish_reason.value
            finally:
                await backend.close()

        assert asyncio.run(generate())
        assert asyncio.run(_plaintext_refused(worker.address)) == grpc.StatusCode.UNAVAILABLE
        assert "ready on" in worker.log_text() and "(TLS)" in worker.log_text()
    finally:
        graceful = stop_worker(worker)
    assert graceful, worker.log_text()[-4000:]
