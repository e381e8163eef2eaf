"""Run modelgw services inside the test process, on free ports, with real gRPC."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

import grpc

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc, common_pb2, gateway_pb2, gateway_pb2_grpc
from modelgw.common.config.providers import EchoProvider, Locality
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import GrpcServer, start_server
from modelgw.common.metrics import Metrics
from modelgw.providers.base import (
    Backend,
    BackendRequest,
    BackendResponse,
    EmbeddingBackend,
    EmbeddingRequest,
    EmbeddingResponse,
    StreamChunk,
)
from modelgw.providers.echo import EchoBackend
from modelgw.providers.features import Feature, backend_features
from modelgw.runtime import Assembly
from modelgw.trust.engine import TrustEngine

Metadata = tuple[tuple[str, str], ...]


@dataclass
class RecordingBackend:
    """Wraps a real backend and keeps every request it received, to assert on what left modelgw."""

    inner: Backend
    received: list[BackendRequest] = field(default_factory=list)
    embedded: list[EmbeddingRequest] = field(default_factory=list)
    """Embedding requests, when the inner backend serves them."""

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def provider_type(self) -> str:
        return self.inner.provider_type

    @property
    def locality(self) -> Locality:
        return self.inner.locality

    @property
    def features(self) -> frozenset[Feature]:
        return backend_features(self.inner)

    async def generate(self, request: BackendRequest) -> BackendResponse:
        self.received.append(request)
        return await self.inner.generate(request)

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        self.received.append(request)
        async for chunk in self.inner.stream(request):
            yield chunk

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        assert isinstance(self.inner, EmbeddingBackend)
        self.embedded.append(request)
        return await self.inner.embed(request)

    async def close(self) -> None:
        await self.inner.close()


def echo_backend(config: ModelgwConfig, name: str = "echo") -> EchoBackend:
    """The echo backend for the config's provider `name` (which must be of type echo)."""
    provider = config.providers[name]
    assert isinstance(provider, EchoProvider), f"provider {name!r} is not an echo provider"
    return EchoBackend(name, provider)


def user(content: str) -> common_pb2.ChatMessage:
    return common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content=content)


def generate_request(content: str, model: str = "echo", **kwargs) -> gateway_pb2.GenerateRequest:
    return gateway_pb2.GenerateRequest(model=model, messages=[user(content)], **kwargs)


def request_id_of(error: grpc.aio.AioRpcError) -> str:
    """The gateway's id of a refused request (its audit key), from its initial metadata."""
    metadata = error.initial_metadata()
    found = dict(metadata or ()).get("x-request-id")
    assert isinstance(found, str), f"no x-request-id in {metadata!r}"
    return found


async def record_of(
    audit: audit_pb2_grpc.AuditAsyncStub, client_request_id: str, metadata: Metadata
) -> audit_pb2.AuditRecord:
    """The one audit record of the request sent with this `request_id` of the caller's own."""
    page = await audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(client_request_id=client_request_id), metadata=metadata
    )
    assert len(page.records) == 1, f"{len(page.records)} records for {client_request_id!r}"
    return page.records[0]


@dataclass
class RunningGateway:
    address: str
    channel: grpc.aio.Channel
    assembly: Assembly
    server: GrpcServer

    @property
    def gateway(self) -> gateway_pb2_grpc.GatewayAsyncStub:
        return gateway_pb2_grpc.GatewayStub(self.channel)

    @property
    def audit(self) -> audit_pb2_grpc.AuditAsyncStub:
        return audit_pb2_grpc.AuditStub(self.channel)


@contextlib.asynccontextmanager
async def running_gateway(
    config: ModelgwConfig,
    *,
    trust_engine: TrustEngine | None = None,
    backends: Mapping[str, Backend] | None = None,
    metrics: Metrics | None = None,
) -> AsyncIterator[RunningGateway]:
    """`modelgw serve` in this process: Gateway + Audit on one free port."""
    assembly = Assembly(config, trust_engine=trust_engine, metrics=metrics)
    bindings = [await assembly.gateway(backends), await assembly.audit()]
    server = await start_server(bindings, "127.0.0.1:0")
    address = f"127.0.0.1:{server.port}"
    channel = grpc.aio.insecure_channel(address)
    try:
        yield RunningGateway(address, channel, assembly, server)
    finally:
        await channel.close()
        await server.stop(0)
        await assembly.close()
