"""The trust boundary against a running gateway (#12 findings 2-4; #11's one tenant object).

Each test is named after what it guards and failed on the code before the fix.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import httpx
import pytest

from modelgw.api.v1 import audit_pb2, common_pb2
from modelgw.common.tenant import Tenants
from modelgw.trust.engine import TrustEngine
from tests.configs import DEV_KEY, gateway_config
from tests.harness import RecordingBackend, echo_backend, generate_request, record_of
from tests.http_harness import HttpGateway, running_http_gateway

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
HEADERS = {"authorization": f"Bearer {DEV_KEY}"}
NAME, EMAIL = "John Smith", "john.smith@example.com"


@pytest.fixture
async def gateway(
    tmp_path: Path, trust_engine: TrustEngine
) -> AsyncIterator[tuple[HttpGateway, RecordingBackend]]:
    config = gateway_config(
        {"tenants": {"dev": {"trust": {"fail_open_local": True}}}}, tmp_path=tmp_path
    )
    echo = RecordingBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": echo}
    ) as gw:
        yield gw, echo


async def test_stop_strings_are_masked_upstream_and_in_the_audit_record(gateway) -> None:
    gw, echo = gateway
    request = generate_request(f"Write to {EMAIL} and sign as {NAME}.", request_id="stop-grpc")
    request.params.stop.extend([NAME, EMAIL])
    await gw.grpc.gateway.Generate(request, metadata=AUTH)
    async with httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client:
        reply = await client.post(
            "/v1/chat/completions",
            json={
                "model": "echo",
                "messages": [{"role": "user", "content": f"Sign as {NAME}."}],
                "stop": [NAME],
            },
            headers={"x-client-request-id": "stop-http"},
        )
    assert reply.status_code == 200, reply.text
    sent = [r.params.stop for r in echo.received]
    assert sent == [("<PERSON_1>", "<EMAIL_ADDRESS_1>"), ("<PERSON_1>",)]
    for client_id in ("stop-grpc", "stop-http"):
        record = await record_of(gw.grpc.audit, client_id, AUTH)
        assert NAME not in str(record) and EMAIL not in str(record)
        assert "<PERSON_1>" in record.masked_stop


async def test_reused_client_request_ids_each_get_their_own_audit_record(gateway) -> None:
    """The caller's id is not the audit key: three requests with one id, three records."""
    gw, _ = gateway
    replies = [
        await gw.grpc.gateway.Generate(generate_request("hello", request_id="same"), metadata=AUTH)
        for _ in range(3)
    ]
    ids = {r.request_id for r in replies}
    assert len(ids) == 3 and "same" not in ids
    page = await gw.grpc.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(client_request_id="same"), metadata=AUTH
    )
    assert {r.request_id for r in page.records} == ids


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        ("I am \ud800 John Smith", "lone surrogate"),
        ("I am \x00 John Smith", "NUL"),
    ],
    ids=["lone-surrogate", "nul"],
)
async def test_input_the_detector_cannot_take_is_the_callers_error_never_fail_open(
    gateway, content: str, hint: str
) -> None:
    """A lone surrogate made detection fail: the (fail-open) tenant's raw prompt went
    upstream and the request then died with a 500. Now: 400 before detection."""
    gw, echo = gateway
    body = json.dumps(
        {"model": "echo", "messages": [{"role": "user", "content": content}]}, ensure_ascii=True
    )
    async with httpx.AsyncClient(base_url=gw.base_url, headers=HEADERS) as client:
        reply = await client.post(
            "/v1/chat/completions",
            content=body,
            headers={"content-type": "application/json"},
        )
    assert reply.status_code == 400, reply.text
    assert hint in reply.json()["error"]["message"]
    assert echo.received == []


async def test_nul_in_grpc_content_is_invalid_argument(gateway) -> None:
    gw, echo = gateway
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.grpc.gateway.Generate(generate_request("hi \x00 there"), metadata=AUTH)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "NUL" in (caught.value.details() or "")
    assert echo.received == []


async def test_a_prompt_longer_than_spacys_limit_is_detected_in_chunks(gateway) -> None:
    """Over 1 M characters (spaCy's limit) detection used to fail; now it is chunked."""
    gw, echo = gateway
    filler = "the quick brown fox jumps over the lazy dog. " * 23_000  # ~1.03 M characters
    prompt = f"Dear {NAME}, {filler} please write to {EMAIL} today."
    assert len(prompt) > 1_000_000
    reply = await gw.grpc.gateway.Generate(generate_request(prompt), metadata=AUTH)
    assert reply.trust.decision == common_pb2.TRUST_DECISION_MASKED
    sent = echo.received[-1].messages[-1].content
    assert NAME not in sent and EMAIL not in sent
    assert sent.startswith("Dear <PERSON_1>,") and sent.endswith("<EMAIL_ADDRESS_1> today.")
    assert reply.message.content == prompt


async def test_a_placeholder_typed_by_the_caller_stays_text(gateway) -> None:
    """Typed `<PERSON_1>` is not something the gateway issued: it is never restored to a
    value, and the real name in the same prompt gets another placeholder."""
    gw, echo = gateway
    reply = await gw.grpc.gateway.Generate(
        generate_request(f"Keep <PERSON_1> literally; I am {NAME}."), metadata=AUTH
    )
    sent = echo.received[-1].messages[-1].content
    assert sent == "Keep <PERSON_1> literally; I am <PERSON_2>."
    assert reply.message.content == f"Keep <PERSON_1> literally; I am {NAME}."


async def test_a_key_of_a_tenant_this_gateway_does_not_serve_is_refused_alike(
    tmp_path: Path, trust_engine: TrustEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys come from the control plane; a tenant missing from this gateway's tenants was
    refused by routing, NOT_FOUND by the trust layer, and ran unmetered by quotas. Now it is
    refused at authentication on both doors, before any backend or quota is touched."""
    config = gateway_config(tmp_path=tmp_path)
    echo = RecordingBackend(echo_backend(config))
    async with running_http_gateway(
        config, trust_engine=trust_engine, backends={"echo": echo}
    ) as gw:
        # The key still resolves (a control plane ahead of the tenants this gateway serves).
        live = await gw.grpc.assembly.live_tenants()
        monkeypatch.setattr(live, "current", lambda: Tenants({}))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.grpc.gateway.Generate(generate_request("hello"), metadata=AUTH)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "does not serve" in (caught.value.details() or "")
        async with httpx.AsyncClient(base_url=gw.base_url) as client:
            reply = await client.post(
                "/v1/chat/completions",
                json={"model": "echo", "messages": [{"role": "user", "content": "hello"}]},
                headers=HEADERS,
            )
        assert reply.status_code == 403 and "does not serve" in reply.text
        assert echo.received == []
