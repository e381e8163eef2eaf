"""Traces cover the pipeline, share the audit record's trace id, and never carry personal data."""

from __future__ import annotations

import json
from pathlib import Path

from modelgw.api.v1 import audit_pb2
from tests.configs import gateway_config
from tests.harness import generate_request, running_gateway

KEY = "mgw_telemetry_key_000001"
RAW = ("Henry Ford", "henry.ford@example.com", "+1 313-555-0199")
PROMPT = f"Forward the invoice to {RAW[0]} at {RAW[1]} or {RAW[2]}."


async def test_pipeline_spans_share_the_audit_trace_id_and_hold_no_values(
    tmp_path: Path, trust_engine, span_exporter
) -> None:
    config = gateway_config(tmp_path=tmp_path, keys={"dev": KEY})
    auth = (("authorization", f"Bearer {KEY}"),)
    span_exporter.clear()
    async with running_gateway(config, trust_engine=trust_engine) as gw:
        reply = await gw.gateway.Generate(generate_request(PROMPT), metadata=auth)
        record = await gw.audit.GetRecord(
            audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=auth
        )

    assert len(record.trace_id) == 32
    spans = [
        s
        for s in span_exporter.get_finished_spans()
        if format(s.context.trace_id, "032x") == record.trace_id
    ]
    names = {s.name for s in spans}
    assert {"modelgw.trust.protect", "modelgw.backend.generate", "modelgw.audit.record"} <= names
    assert any(n.endswith("Gateway/Generate") for n in names), names

    protect = next(s for s in spans if s.name == "modelgw.trust.protect")
    assert protect.attributes["modelgw.trust.decision"] == "masked"
    assert protect.attributes["modelgw.trust.entities.PERSON"] == 1

    dump = json.dumps([json.loads(s.to_json()) for s in span_exporter.get_finished_spans()])
    for raw in (*RAW, "Henry", "313-555"):
        assert raw not in dump


async def test_http_requests_get_a_server_span_with_genai_attributes(
    tmp_path: Path, trust_engine, span_exporter
) -> None:
    """The HTTP door's request has its span (in the caller's trace when it sends one) and
    the audit record keeps that trace id, streamed or not."""
    import httpx

    from tests.http_harness import running_http_gateway

    config = gateway_config(tmp_path=tmp_path, keys={"dev": KEY})
    caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    headers = {
        "authorization": f"Bearer {KEY}",
        "traceparent": f"00-{caller_trace}-00f067aa0ba902b7-01",
    }
    body = {"model": "echo", "messages": [{"role": "user", "content": PROMPT}]}
    span_exporter.clear()
    async with running_http_gateway(config, trust_engine=trust_engine) as gw:
        async with httpx.AsyncClient(base_url=gw.base_url, headers=headers) as client:
            reply = await client.post("/v1/chat/completions", json=body)
            streamed = await client.post("/v1/chat/completions", json={**body, "stream": True})
        assert reply.status_code == 200 and streamed.status_code == 200
        auth = (("authorization", f"Bearer {KEY}"),)
        records = [
            await gw.grpc.audit.GetRecord(
                audit_pb2.GetRecordRequest(request_id=r.headers["x-request-id"]), metadata=auth
            )
            for r in (reply, streamed)
        ]

    assert [r.trace_id for r in records] == [caller_trace, caller_trace]
    spans = [s for s in span_exporter.get_finished_spans() if s.name == "POST /v1/chat/completions"]
    assert len(spans) == 2
    for span in spans:
        assert format(span.context.trace_id, "032x") == caller_trace
        assert span.attributes["http.response.status_code"] == 200
        assert span.attributes["gen_ai.request.model"] == "echo"
        assert span.attributes["modelgw.tenant"] == "dev"
        assert span.attributes["modelgw.trust.decision"] == "masked"
        assert span.attributes["gen_ai.usage.output_tokens"] > 0
    dump = json.dumps([json.loads(s.to_json()) for s in span_exporter.get_finished_spans()])
    for raw in (*RAW, "Henry", "313-555"):
        assert raw not in dump
