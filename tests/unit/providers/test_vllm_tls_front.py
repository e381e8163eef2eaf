"""The gateway reaches vLLM workers over mutual TLS through `modelgw worker`'s TLS front.

vLLM's gRPC server only listens in plaintext, so the worker puts a TLS front
before it (modelgw/worker/tls_front.py). Here the engine is the scripted fake
on loopback, the front is the real one, and the gateway's side is the real
`vllm` backend with `tls` in its provider config.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from smg_grpc_proto.generated import vllm_engine_pb2, vllm_engine_pb2_grpc

from modelgw.common.channels import channel_credentials
from modelgw.common.config.providers import VllmProvider
from modelgw.common.config.tls import ClientTls, ServerTls
from modelgw.common.health import health_stub
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.providers.base import BackendRequest
from modelgw.providers.vllm import VllmBackend
from modelgw.providers.vllm.engine_stub import engine_stub
from modelgw.worker.tls_front import TlsFront
from tests.ports import free_port
from tests.tls_certs import Authority, Issued
from tests.vllm_support.fake_engine import Behaviour, FakeEngine, tokenizer_bundle


@dataclass
class FrontedWorker:
    engine: FakeEngine
    address: str
    health_address: str
    ca: Authority
    gateway: Issued
    """The gateway's client certificate."""

    def tls(self, issued: Issued | None = None) -> ClientTls:
        own = issued or self.gateway
        return ClientTls(
            ca_file=str(self.ca.ca_file), cert_file=str(own.cert), key_file=str(own.key)
        )


@contextlib.asynccontextmanager
async def fronted_worker(tmp_path: Path, **behaviour: object) -> AsyncIterator[FrontedWorker]:
    tokenizer, bundle = tokenizer_bundle(tmp_path / "tokenizer")
    engine = FakeEngine(tokenizer, bundle, **behaviour)  # type: ignore[arg-type]  # the fake's own keywords
    upstream = grpc.aio.server()
    vllm_engine_pb2_grpc.add_VllmEngineServicer_to_server(engine, upstream)
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, upstream)
    engine_port = upstream.add_insecure_port("127.0.0.1:0")
    await upstream.start()
    await health.set("vllm.grpc.engine.VllmEngine", health_pb2.HealthCheckResponse.SERVING)

    ca = Authority(tmp_path / "pki")
    served = ca.issue("worker", ("vllm-worker.modelgw.svc.cluster.local",))
    tls = ServerTls(
        cert_file=str(served.cert),
        key_file=str(served.key),
        client_ca_file=str(ca.ca_file),
        require_client_cert=True,
    )
    front = TlsFront(f"127.0.0.1:{engine_port}")
    worker = FrontedWorker(
        engine,
        f"127.0.0.1:{free_port()}",
        f"127.0.0.1:{free_port()}",
        ca,
        ca.issue("gateway", ("gateway",)),
    )
    await front.start(worker.address, tls, worker.health_address)
    try:
        yield worker
    finally:
        await front.stop(0)
        await upstream.stop(0)


def _request() -> BackendRequest:
    return BackendRequest(
        model="m",
        messages=[ChatMessage(Role.USER, "hello")],
        params=GenerationParams(),
        request_id="tls-front",
    )


async def test_gateway_generates_through_the_workers_tls_front(tmp_path: Path) -> None:
    async with fronted_worker(tmp_path) as worker:
        provider = VllmProvider.model_validate(
            {
                "type": "vllm",
                "workers": [worker.address],
                # Dialled by IP: the name in the worker's certificate is checked instead.
                "tls": {
                    **worker.tls().model_dump(exclude_none=True),
                    "server_name": "vllm-worker.modelgw.svc.cluster.local",
                },
            }
        )
        backend = VllmBackend("local", provider)
        try:
            answer = await backend.generate(_request())
            streamed = "".join([c.delta async for c in backend.stream(_request())])
        finally:
            await backend.close()
    assert answer.text == worker.engine.answer == streamed
    assert len(worker.engine.calls) == 2


async def test_status_and_deadline_pass_through_the_front(tmp_path: Path) -> None:
    options = [("grpc.ssl_target_name_override", "vllm-worker.modelgw.svc.cluster.local")]
    async with (
        fronted_worker(tmp_path, behaviour=Behaviour.INVALID) as worker,
        grpc.aio.secure_channel(
            worker.address, channel_credentials(worker.tls()), options=options
        ) as channel,
    ):
        generate = engine_stub(channel).Generate
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async for _ in generate(vllm_engine_pb2.GenerateRequest(request_id="a"), timeout=7):
                pass
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert caught.value.details() == "scripted invalid"
        (call,) = worker.engine.calls
        # Passed through, not dropped or replaced: gRPC rounds the timeout it sends on each
        # hop up to its unit, so the engine may see a few ms more than the caller's 7 s.
        assert call.time_remaining is not None and 0 < call.time_remaining <= 7.1

        worker.engine.behaviour = Behaviour.HANG
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async for _ in generate(vllm_engine_pb2.GenerateRequest(request_id="b"), timeout=0.5):
                pass
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


async def test_front_refuses_clients_without_a_certificate_and_plaintext(tmp_path: Path) -> None:
    stranger = Authority(tmp_path / "stranger", "another CA").issue("gateway", ("gateway",))
    options = [("grpc.ssl_target_name_override", "vllm-worker.modelgw.svc.cluster.local")]
    async with fronted_worker(tmp_path) as worker:
        impostor = worker.tls(stranger).model_copy(update={"ca_file": str(worker.ca.ca_file)})
        no_cert = ClientTls(ca_file=str(worker.ca.ca_file))
        for tls in (impostor, no_cert):
            async with grpc.aio.secure_channel(
                worker.address, channel_credentials(tls), options=options
            ) as channel:
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await engine_stub(channel).GetLoads(
                        vllm_engine_pb2.GetLoadsRequest(), timeout=5
                    )
                assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        async with grpc.aio.insecure_channel(worker.address) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await engine_stub(channel).GetLoads(vllm_engine_pb2.GetLoadsRequest(), timeout=5)
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_health_port_passes_health_alone_in_plaintext(tmp_path: Path) -> None:
    async with (
        fronted_worker(tmp_path) as worker,
        grpc.aio.insecure_channel(worker.health_address) as channel,
    ):
        reply = await health_stub(channel).Check(
            health_pb2.HealthCheckRequest(service="vllm.grpc.engine.VllmEngine"), timeout=5
        )
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await engine_stub(channel).GetLoads(vllm_engine_pb2.GetLoadsRequest(), timeout=5)
        assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
