"""An upstream's error text may quote the prompt: it reaches neither the caller nor the audit log.

A provider's 400 (or an error event mid-stream) that repeats the prompt's
e-mail address and name, through the real gateway (trust engine, routing, an
OpenAI-compatible adapter over HTTP, the audit store): the caller's error and
the audit record's `error` say which backend failed, with what HTTP status
and error type, and hold neither value.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from modelgw.api.v1 import audit_pb2
from tests.configs import DEV_KEY, gateway_config
from tests.fakes.server import FakeRequest, FakeResponse, RecordingServer
from tests.harness import generate_request, request_id_of, running_gateway

AUTH = (("authorization", f"Bearer {DEV_KEY}"),)
NAME, EMAIL = "Jane Roe", "jane.roe@example.com"
PROMPT = f"I am {NAME}, write to {EMAIL} about the invoice."
QUOTED = (
    f"Invalid 'messages[0].content': 'I am {NAME}, write to {EMAIL} about the invoice.' "
    "exceeds the content policy"
)


async def _quoting_upstream(request: FakeRequest) -> FakeResponse:
    if json.loads(request.body).get("stream"):

        async def events() -> AsyncIterator[bytes]:
            chunk = {"choices": [{"index": 0, "delta": {"content": "Hel"}}]}
            yield f"data: {json.dumps(chunk)}\n\n".encode()
            error = {"error": {"type": "server_error", "message": QUOTED}}
            yield f"data: {json.dumps(error)}\n\n".encode()

        return FakeResponse(headers={"content-type": "text/event-stream"}, stream=events())
    body = {"error": {"type": "invalid_request_error", "message": QUOTED, "code": None}}
    return FakeResponse(400, {"content-type": "application/json"}, json.dumps(body).encode())


def _assert_clean(text: str) -> None:
    lowered = text.lower()
    for value in (NAME, EMAIL, "jane", "roe@"):
        assert value.lower() not in lowered, f"{value!r} passed on in {text!r}"


@pytest.mark.parametrize("streamed", [False, True], ids=["unary", "stream"])
async def test_upstream_error_quoting_the_prompt_reaches_neither_caller_nor_audit_record(
    tmp_path: Path, trust_engine, streamed: bool
) -> None:
    async with RecordingServer(_quoting_upstream) as upstream:
        config = gateway_config(
            {
                "providers": {
                    "upstream": {
                        "type": "openai_compatible",
                        "base_url": f"{upstream.url}/v1",
                        "locality": "local",
                    }
                },
                "models": {"chat": {"route": [{"provider": "upstream"}]}},
                # The upstream is sent the clear values (allowed locally): the worst case.
                "tenants": {"dev": {"entity_policy": {"local_default": "allow"}}},
            },
            tmp_path=tmp_path,
        )
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            request = generate_request(PROMPT, model="chat")
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                if streamed:
                    async for _ in gw.gateway.GenerateStream(request, metadata=AUTH):
                        pass
                else:
                    await gw.gateway.Generate(request, metadata=AUTH)
            record = await gw.audit.GetRecord(
                audit_pb2.GetRecordRequest(request_id=request_id_of(caught.value)), metadata=AUTH
            )
    assert upstream.requests, "the upstream was called"
    details = caught.value.details() or ""
    assert "upstream" in details
    assert ("server_error" if streamed else "invalid_request_error") in details
    _assert_clean(details)
    assert record.status == caught.value.code().name
    assert "upstream" in record.error
    _assert_clean(record.error)
    _assert_clean(record.end_user + record.masked_response)
