"""An operator scrapes `/metrics`: each kind of request moves its counters, with the right labels.

One gateway (in this process, real gRPC, the HTTP front door serving
`/metrics`) takes a masked request, the same deterministic request twice (a
cache miss, then a hit), a request past a tenant's quota and a request the
trust layer cannot decide (fail closed). The scrape before and after shows
each counter moved by what those requests did, and the exposition holds no
personal value, no request id, no end user and no session id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import grpc
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from modelgw.api.v1 import common_pb2
from modelgw.common.config.observability import MetricsConfig
from modelgw.common.config.schema import TelemetryConfig, TrustConfig
from modelgw.common.metrics import Metrics, build_metrics
from modelgw.gateway.http.server import start_http_server
from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import AnalysisItem
from modelgw.trust.engine import DetectionBackend, TrustEngine
from modelgw.trust.metrics import TrustMetrics
from tests.configs import DEV_KEY, gateway_config
from tests.harness import generate_request, request_id_of, running_gateway

TIGHT_KEY = "mgw_test_tight_key_0123456789abc"
AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
TIGHT = (("authorization", f"Bearer {TIGHT_KEY}"),)
RAW = ("Henry Ford", "henry.ford@example.com")
MASKED_PROMPT = f"Forward the invoice to {RAW[0]} at {RAW[1]}."
UNDECIDABLE = "Please summarise the quarterly figures (probe 7f3a)."
END_USER, SESSION = "end-user-4711", "session-0815"

Sample = tuple[str, frozenset[tuple[str, str]]]


class RefusingDetector:
    """The real detector, except that it fails on one text: the trust layer cannot decide."""

    def __init__(self, inner: DetectionBackend) -> None:
        self._inner = inner

    def analyze_items(self, items: Sequence[AnalysisItem]) -> list[list[Detection]]:
        if any(UNDECIDABLE in text for text, _, _ in items):
            raise RuntimeError("detector worker crashed")
        return self._inner.analyze_items(items)


def _samples(exposition: str) -> dict[Sample, float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def _value(samples: Mapping[Sample, float], name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, have), v in samples.items() if n == name and wanted <= have)


@pytest.fixture
def metrics() -> Metrics:
    return build_metrics(TelemetryConfig(), MetricsConfig(), service="tests")


async def test_scrape_after_masked_cached_quota_and_fail_closed_requests(
    tmp_path: Path, trust_engine, metrics: Metrics
) -> None:
    config = gateway_config(
        {
            "providers": {
                "echo": {"prices": {"*": {"input_per_million": 3, "output_per_million": 15}}}
            },
            "tenants": {"tight": {"quotas": {"requests_per_minute": 1}}},
            "cache": {"backend": "memory"},
        },
        tmp_path=tmp_path,
        keys={"dev": DEV_KEY, "tight": TIGHT_KEY},
    )
    engine = TrustEngine(
        TrustConfig(deadline_ms=15_000),
        detector=RefusingDetector(trust_engine.detector),
        metrics=TrustMetrics(metrics.meter()),
    )
    caller = common_pb2.CallerMetadata(end_user=END_USER, session_id=SESSION)
    deterministic = common_pb2.GenerationParams(temperature=0)
    request_ids: list[str] = []
    try:
        async with running_gateway(config, trust_engine=engine, metrics=metrics) as gw:
            http = await start_http_server(await gw.assembly.http_app(), "127.0.0.1:0")
            url = f"http://127.0.0.1:{http.port}/metrics"
            try:
                async with httpx.AsyncClient() as client:
                    before = _samples((await client.get(url)).text)

                    masked = await gw.gateway.Generate(
                        generate_request(MASKED_PROMPT, caller=caller), metadata=AUTH
                    )
                    assert masked.trust.decision == common_pb2.TRUST_DECISION_MASKED
                    replies = [
                        await gw.gateway.Generate(
                            generate_request("What is 2 + 2?", params=deterministic),
                            metadata=AUTH,
                        )
                        for _ in range(2)
                    ]
                    request_ids += [reply.request_id for reply in replies]
                    assert replies[1].route.reason == "answered from the response cache"
                    await gw.gateway.Generate(generate_request("first"), metadata=TIGHT)
                    with pytest.raises(grpc.aio.AioRpcError) as refused:
                        await gw.gateway.Generate(generate_request("second"), metadata=TIGHT)
                    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
                    request_ids.append(request_id_of(refused.value))
                    with pytest.raises(grpc.aio.AioRpcError) as closed:
                        await gw.gateway.Generate(generate_request(UNDECIDABLE), metadata=AUTH)
                    assert closed.value.code() == grpc.StatusCode.UNAVAILABLE
                    request_ids += [masked.request_id, request_id_of(closed.value)]

                    response = await client.get(url)
            finally:
                await http.stop(0)
    finally:
        engine.close()

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    exposition = response.text
    after = _samples(exposition)

    def moved(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    # Requests by tenant, model, backend and status.
    ok = {"tenant": "dev", "model": "echo", "backend": "echo", "status": "OK"}
    assert moved("modelgw_requests_total", **ok) == 3
    assert moved("modelgw_requests_total", tenant="tight", status="OK") == 1
    assert (
        moved("modelgw_requests_total", tenant="tight", backend="none", status="RESOURCE_EXHAUSTED")
        == 1
    )
    assert moved("modelgw_requests_total", tenant="dev", status="UNAVAILABLE") == 1
    # The masked request: the decision, and entities by type (counts, never values).
    assert moved("modelgw_trust_decisions_total", tenant="dev", decision="masked") == 1
    for entity in ("PERSON", "EMAIL_ADDRESS"):
        found = moved(
            "modelgw_trust_entities_total",
            tenant="dev",
            entity_type=entity,
            action="mask",
            direction="prompt",
        )
        assert found == 1, entity
    # The deterministic request twice: a miss, then a hit.
    assert moved("modelgw_cache_lookups_total", tenant="dev", model="echo", result="miss") == 1
    assert moved("modelgw_cache_lookups_total", tenant="dev", model="echo", result="hit") == 1
    # The quota: the refusal names the limit; the headroom is gone.
    limit = {"tenant": "tight", "limit": "requests_per_minute"}
    assert moved("modelgw_quota_refusals_total", **limit) == 1
    assert _value(after, "modelgw_quota_remaining", **limit) == 0
    # Fail closed: the gateway's refusal and the detector's failure.
    assert moved("modelgw_trust_fail_closed_total", tenant="dev", model="echo") == 1
    assert moved("modelgw_trust_detection_failures_total", tenant="dev", reason="error") == 1
    # GenAI conventions: the gateway as a server to its callers, a client to its backends.
    server = {"gen_ai_operation_name": "chat", "gen_ai_request_model": "echo"}
    assert moved("gen_ai_server_request_duration_seconds_count", **server) == 6
    backend = {"gen_ai_operation_name": "chat", "gen_ai_provider_name": "echo"}
    assert moved("gen_ai_client_operation_duration_seconds_count", **backend) == 3
    assert moved("gen_ai_client_token_usage_count", gen_ai_token_type="input", **backend) == 3
    output_tokens = moved("modelgw_tokens_total", tenant="dev", type="output")
    input_tokens = moved("modelgw_tokens_total", tenant="dev", type="input")
    assert output_tokens > 0 and input_tokens > 0
    # Cost by tenant and model: the backend's tokens at the configured price (the cache hit
    # used no tokens and cost nothing).
    cost = moved("modelgw_cost_usd_total", tenant="dev", model="echo")
    assert cost == pytest.approx((input_tokens * 3 + output_tokens * 15) / 1_000_000)
    assert moved("modelgw_trust_detection_duration_seconds_count", tenant="dev") >= 2
    assert ("modelgw_audit_spool_pending_bytes", frozenset()) in after
    breaker = {"backend": "echo", "state": "closed"}
    assert _value(after, "modelgw_routing_breaker_state", **breaker) == 1

    for secret in (*RAW, "Henry", "henry.ford", END_USER, SESSION, *request_ids):
        assert secret not in exposition, secret
    assert len(request_ids) == 5
