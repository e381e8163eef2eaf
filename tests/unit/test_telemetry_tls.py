"""Spans reach a collector that only speaks TLS when `telemetry.otlp_insecure` is false."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from modelgw.common.config.schema import TelemetryConfig
from modelgw.common.config.tls import ServerTls
from modelgw.common.telemetry import build_tracer_provider
from modelgw.common.tls import grpc_server_credentials
from tests.ports import free_port
from tests.tls_certs import Authority


class Collector(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self) -> None:
        self.spans: list[str] = []

    async def Export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: object
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                self.spans += [span.name for span in scope.spans]
        return trace_service_pb2.ExportTraceServiceResponse()


def _export_one(config: TelemetryConfig, name: str) -> None:
    """Finish one span and flush it (the exporter works in its own thread)."""
    provider = build_tracer_provider(config, service="test")
    with provider.get_tracer("test").start_as_current_span(name):
        pass
    provider.force_flush(timeout_millis=10_000)
    provider.shutdown()


async def test_otlp_export_over_tls_checked_against_the_configured_ca(tmp_path: Path) -> None:
    ca = Authority(tmp_path / "ca")
    served = ca.issue("collector")
    collector = Collector()
    server = grpc.aio.server()
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(collector, server)
    port = server.add_secure_port(
        f"127.0.0.1:{free_port()}",
        grpc_server_credentials(ServerTls(cert_file=str(served.cert), key_file=str(served.key))),
    )
    await server.start()
    endpoint = f"localhost:{port}"
    try:
        over_tls = TelemetryConfig(
            otlp_endpoint=endpoint, otlp_insecure=False, otlp_ca_file=str(ca.ca_file)
        )
        await asyncio.to_thread(_export_one, over_tls, "over-tls")
        plaintext = TelemetryConfig(otlp_endpoint=endpoint)  # the default: insecure
        await asyncio.to_thread(_export_one, plaintext, "in-plaintext")
    finally:
        await server.stop(0)
    assert collector.spans == ["over-tls"]
