"""The foundation's promise: personal data is masked before the backend and restored for the client.

Runs `modelgw serve`'s services in-process over real gRPC, with the audit
store on SQLite (the embedded default). tests/integration/test_generate_flow.py
runs the same tests with the audit store on the real Postgres.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from modelgw.api.v1 import audit_pb2, common_pb2
from tests.configs import gateway_config
from tests.harness import (
    RecordingBackend,
    RunningGateway,
    echo_backend,
    generate_request,
    running_gateway,
)

KEY = "mgw_test_key_0123456789"
NAME, EMAIL, PHONE = "John Smith", "john.smith@example.com", "+1 415-555-0132"
PROMPT = f"Hi, I am {NAME}. Write to {EMAIL} or call {PHONE} about my order."
AUTH = (("authorization", f"Bearer {KEY}"),)


@pytest.fixture
def audit_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/audit.db"


@pytest.fixture
async def gateway(
    audit_url: str, tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[RunningGateway, RecordingBackend]]:
    config = gateway_config(audit_url=audit_url, tmp_path=tmp_path, keys={"dev": KEY})
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        yield gw, echo


def _assert_masked(text: str) -> None:
    for value in (NAME, EMAIL, PHONE, "Smith", "415-555"):
        assert value not in text, f"raw value {value!r} leaked into {text!r}"


async def _audit_record_of(gw: RunningGateway, client_request_id: str) -> audit_pb2.AuditRecord:
    """The one record of the request the caller sent with this id of its own."""
    page = await gw.audit.QueryRecords(
        audit_pb2.QueryRecordsRequest(client_request_id=client_request_id), metadata=AUTH
    )
    (record,) = page.records
    return record


async def _audit_record(gw: RunningGateway, request_id: str) -> audit_pb2.AuditRecord:
    return await gw.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=request_id), metadata=AUTH
    )


async def test_generate_masks_for_backend_and_restores_for_client(gateway) -> None:
    gw, echo = gateway
    reply = await gw.gateway.Generate(generate_request(PROMPT), metadata=AUTH)

    sent = echo.received[-1].messages[-1].content
    _assert_masked(sent)
    assert "<PERSON_1>" in sent and "<EMAIL_ADDRESS_1>" in sent and "<PHONE_NUMBER_1>" in sent

    assert reply.message.content == PROMPT
    found = {f.entity_type: f.count for f in reply.trust.prompt_entities}
    assert found == {"PERSON": 1, "EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1}
    assert all(f.action == common_pb2.ENTITY_ACTION_MASK for f in reply.trust.prompt_entities)
    assert reply.trust.decision == common_pb2.TRUST_DECISION_MASKED

    record = await _audit_record(gw, reply.request_id)
    stored = json.dumps([record.masked_response, *[m.content for m in record.masked_prompt]])
    _assert_masked(stored)
    assert "<PERSON_1>" in record.masked_response
    assert record.status == "OK" and record.tenant == "dev" and record.api_key_id == "k"


async def test_stream_restores_placeholders_split_across_chunks(gateway) -> None:
    gw, echo = gateway
    events = [e async for e in gw.gateway.GenerateStream(generate_request(PROMPT), metadata=AUTH)]
    assert events[0].request_id and events[0].trust.decision == common_pb2.TRUST_DECISION_MASKED
    assert "".join(e.delta for e in events) == PROMPT
    assert events[-1].finish_reason == common_pb2.FINISH_REASON_STOP
    # The echo cuts the answer into 8-character chunks, so placeholders did arrive split.
    _assert_masked(echo.received[-1].messages[-1].content)
    record = await _audit_record(gw, events[0].request_id)
    assert record.streamed and record.status == "OK"
    _assert_masked(record.masked_response)


async def test_caller_request_id_and_metadata_reach_the_audit_record(gateway) -> None:
    gw, _ = gateway
    request = generate_request(
        "Hello there", request_id="crm-42", caller=common_pb2.CallerMetadata(end_user="agent-7")
    )
    reply = await gw.gateway.Generate(request, metadata=AUTH)
    assert reply.client_request_id == "crm-42"
    assert len(reply.request_id) == 32 and reply.request_id != "crm-42"  # the gateway's own
    record = await _audit_record(gw, reply.request_id)
    assert record.client_request_id == "crm-42"
    # Kept as its pseudonym (per tenant, keyed), found again by the clear value.
    assert record.end_user == gw.assembly.audit_pseudonyms().of("dev", "end_user", "agent-7")
    assert record.trust.decision == common_pb2.TRUST_DECISION_CLEAN


@pytest.mark.parametrize(
    ("metadata", "request_kwargs", "code", "hint"),
    [
        ((), {}, grpc.StatusCode.UNAUTHENTICATED, "authorization: Bearer"),
        ((("authorization", "Bearer wrong"),), {}, grpc.StatusCode.UNAUTHENTICATED, "unknown"),
        (AUTH, {"model": "gpt-9"}, grpc.StatusCode.NOT_FOUND, "ListModels"),
        (AUTH, {"request_id": "bad id!"}, grpc.StatusCode.INVALID_ARGUMENT, "request_id"),
    ],
)
async def test_bad_requests_get_a_status_that_says_what_to_fix(
    gateway, metadata, request_kwargs, code, hint
) -> None:
    gw, echo = gateway
    before = len(echo.received)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.gateway.Generate(generate_request("hi", **request_kwargs), metadata=metadata)
    assert caught.value.code() == code
    assert hint in (caught.value.details() or "")
    assert len(echo.received) == before


async def test_invalid_parameters_and_roles_are_rejected(gateway) -> None:
    gw, _ = gateway
    bad = generate_request("hi")
    bad.params.temperature = 3.5
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.gateway.Generate(bad, metadata=AUTH)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "temperature" in (caught.value.details() or "")

    no_role = generate_request("hi")
    no_role.messages[0].role = common_pb2.ROLE_UNSPECIFIED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.gateway.Generate(no_role, metadata=AUTH)
    assert "role" in (caught.value.details() or "")


async def test_list_models_shows_what_the_tenant_may_use(gateway) -> None:
    from modelgw.api.v1 import gateway_pb2

    gw, _ = gateway
    reply = await gw.gateway.ListModels(gateway_pb2.ListModelsRequest(), metadata=AUTH)
    assert [m.name for m in reply.models] == ["echo"]


async def test_a_model_the_tenant_may_not_use_is_refused_and_audited(
    tmp_path: Path, trust_engine
) -> None:
    """Access denials reach the audit log (status only: no prompt, no route)."""
    config = gateway_config(
        {
            "models": {"private": {"route": [{"provider": "echo"}]}},
            "tenants": {"dev": {"allowed_models": ["echo"]}},
        },
        tmp_path=tmp_path,
        keys={"dev": KEY},
    )
    echo = RecordingBackend(echo_backend(config))
    async with running_gateway(config, trust_engine=trust_engine, backends={"echo": echo}) as gw:
        request = generate_request(PROMPT, model="private", request_id="denied-model-1")
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.gateway.Generate(request, metadata=AUTH)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "may not use model 'private'" in (caught.value.details() or "")

        stream = gw.gateway.GenerateStream(
            generate_request(PROMPT, model="private", request_id="denied-model-2"),
            metadata=AUTH,
        )
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async for _ in stream:
                pass
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert echo.received == []

        for client_id in ("denied-model-1", "denied-model-2"):
            record = await _audit_record_of(gw, client_id)
            assert record.status == "PERMISSION_DENIED"
            assert record.model == "private"
            assert list(record.masked_prompt) == [] and record.route.backend == ""
