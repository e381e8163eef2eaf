"""One request through the split services is one connected trace, named by the GenAI conventions.

The trust and audit services run in this process as separate gRPC servers
(their own Assembly each, as `modelgw trust` and `modelgw audit` build them);
the gateway reaches them only over gRPC. The trace of one Generate call must
hold the gateway's server span (the root), the trust service's Protect, the
backend call (a CLIENT span) and the audit service's Ingest, every span's
parent inside the trace, with the GenAI attributes, and no prompt or answer
text, end user or session id anywhere.

The audit spool is off here, so the record is ingested within the request: with
the spool on (the default), the trace ends at the durable append
(`modelgw.audit.record`) and delivery runs later, in its own trace; the record
carries the trace id either way.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from opentelemetry.trace import SpanKind

from modelgw.api.v1 import common_pb2, gateway_pb2_grpc
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.grpc_server import start_server
from modelgw.runtime import Assembly
from tests.configs import DEV_KEY, gateway_config
from tests.harness import generate_request

TOKEN_ENV = "MODELGW_TEST_TRACE_TOKEN"
AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
RAW = ("Henry Ford", "henry.ford@example.com", "+1 313-555-0199")
PROMPT = f"Forward the invoice to {RAW[0]} at {RAW[1]} or {RAW[2]}."
END_USER, SESSION = "end-user-4711", "session-0815"


def _config(tmp_path: Path, **services: str) -> ModelgwConfig:
    return gateway_config(
        {
            "services": {"internal_token": f"env:{TOKEN_ENV}", **services},
            "audit": {"spool": {"enabled": False}},
        },
        tmp_path=tmp_path,
    )


@pytest.fixture
async def split_gateway(
    tmp_path: Path, trust_engine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[gateway_pb2_grpc.GatewayAsyncStub]:
    monkeypatch.setenv(TOKEN_ENV, "trace-test-internal-token-0123456789")
    trust = Assembly(_config(tmp_path), trust_engine=trust_engine)
    audit = Assembly(_config(tmp_path))
    gateway: Assembly | None = None
    servers = []
    try:
        servers.append(await start_server([trust.trust()], "127.0.0.1:0"))
        servers.append(await start_server([await audit.audit()], "127.0.0.1:0"))
        addresses = {
            "trust_address": f"127.0.0.1:{servers[0].port}",
            "audit_address": f"127.0.0.1:{servers[1].port}",
        }
        gateway = Assembly(_config(tmp_path, **addresses))
        servers.append(await start_server([await gateway.gateway()], "127.0.0.1:0"))
        async with grpc.aio.insecure_channel(f"127.0.0.1:{servers[2].port}") as channel:
            yield gateway_pb2_grpc.GatewayStub(channel)
        # Everything went through the services: the gateway never built an engine.
        assert gateway._trust_engine is None
    finally:
        for server in reversed(servers):
            await server.stop(0)
        for assembly in (gateway, audit, trust):
            if assembly is not None:
                await assembly.close()


async def test_one_request_is_one_connected_trace_with_genai_attributes(
    split_gateway: gateway_pb2_grpc.GatewayAsyncStub, span_exporter
) -> None:
    span_exporter.clear()
    caller = common_pb2.CallerMetadata(end_user=END_USER, session_id=SESSION)
    reply = await split_gateway.Generate(generate_request(PROMPT, caller=caller), metadata=AUTH)
    assert reply.trust.decision == common_pb2.TRUST_DECISION_MASKED
    assert RAW[0] in reply.message.content  # restored for the caller, never traced

    root = next(
        s
        for s in span_exporter.get_finished_spans()
        if s.name.endswith("Gateway/Generate")
        and s.attributes.get("modelgw.request_id") == reply.request_id
    )
    trace_id = root.context.trace_id
    spans = [s for s in span_exporter.get_finished_spans() if s.context.trace_id == trace_id]
    ids = {s.context.span_id for s in spans}
    for span in spans:
        if span is not root:
            assert span.parent is not None and span.parent.span_id in ids, span.name
    assert root.parent is None

    names = [s.name for s in spans]
    server_spans = {s.name for s in spans if s.kind is SpanKind.SERVER}
    assert any(n.endswith("Trust/Protect") for n in server_spans), names
    assert any(n.endswith("Trust/ScanAnswer") for n in server_spans), names
    assert any(n.endswith("Audit/Ingest") for n in server_spans), names
    backend = next(s for s in spans if s.kind is SpanKind.CLIENT and s.name == "chat echo")

    assert root.attributes["gen_ai.operation.name"] == "chat"
    assert root.attributes["gen_ai.request.model"] == "echo"
    assert root.attributes["gen_ai.response.model"] == "echo"
    assert root.attributes["gen_ai.provider.name"] == "echo"
    assert root.attributes["gen_ai.usage.input_tokens"] == reply.usage.prompt_tokens > 0
    assert root.attributes["gen_ai.usage.output_tokens"] == reply.usage.completion_tokens > 0
    assert root.attributes["modelgw.tenant"] == "dev"
    assert root.attributes["modelgw.trust.decision"] == "masked"
    assert root.attributes["modelgw.route.backend"] == "echo"
    assert root.attributes["modelgw.status"] == "OK"

    assert backend.attributes["gen_ai.operation.name"] == "chat"
    assert backend.attributes["gen_ai.provider.name"] == "echo"
    assert backend.attributes["gen_ai.request.model"] == "echo"
    assert backend.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert backend.attributes["gen_ai.usage.input_tokens"] > 0
    assert backend.parent is not None

    dump = json.dumps([json.loads(s.to_json()) for s in span_exporter.get_finished_spans()])
    for secret in (*RAW, "Henry", "313-555", "invoice", END_USER, SESSION):
        assert secret not in dump, secret
