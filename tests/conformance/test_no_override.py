"""A request cannot choose where its prompt goes or with which credential.

Base URLs, regions and credentials come from config only. A caller who
smuggles them in labels or gRPC metadata is ignored (the configured upstream
gets the request with the configured credential, a decoy upstream gets no
connection at all); a model name that looks like a URL is just an unknown
model; config refuses inline secrets and URLs with credentials.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import grpc
import pytest
from pydantic import ValidationError

from modelgw.api.v1 import common_pb2, gateway_pb2
from modelgw.common.config.schema import ModelgwConfig
from modelgw.providers.base import BackendRequest
from tests.conformance.conftest import Harness
from tests.conformance.gateway_setup import AUTH, gateway_config
from tests.fakes.server import FakeResponse, RecordingServer
from tests.harness import running_gateway

pytestmark = pytest.mark.timeout(120)

SMUGGLED = ["sk-evil-0000", "org-evil", "us-east-1", "1999-01-01", "evil-session-token"]


async def _decoy(_: object) -> FakeResponse:
    return FakeResponse(200, {}, b"{}")


async def test_request_cannot_redirect_or_reauthenticate(
    harness: Harness, tmp_path: Path, trust_engine
) -> None:
    async with RecordingServer(_decoy) as decoy:
        labels = {
            "base_url": decoy.url,
            "endpoint_url": decoy.url,
            "region": "us-east-1",
            "api_key": "sk-evil-0000",
            "api_version": "1999-01-01",
        }
        metadata = (
            *AUTH,
            ("x-upstream-base-url", decoy.url),
            ("openai-organization", "org-evil"),
            ("api-key", "sk-evil-0000"),
            ("x-amz-security-token", "evil-session-token"),
        )
        request = gateway_pb2.GenerateRequest(
            model="byom",
            messages=[common_pb2.ChatMessage(role=common_pb2.ROLE_USER, content="hello there")],
            caller=common_pb2.CallerMetadata(labels=labels),
        )
        config = gateway_config(harness, tmp_path)
        async with running_gateway(config, trust_engine=trust_engine) as gw:
            reply = await gw.gateway.Generate(request, metadata=metadata)
            streamed = [r async for r in gw.gateway.GenerateStream(request, metadata=metadata)]

            for model in (decoy.url, "../../../model/x", f"byom@{decoy.url}"):
                bad = gateway_pb2.GenerateRequest(model=model, messages=request.messages)
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await gw.gateway.Generate(bad, metadata=AUTH)
                assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    assert reply.message.content == "hello there"
    assert "".join(r.delta for r in streamed) == "hello there"
    assert decoy.connections == 0, "the decoy upstream must never be contacted"
    assert len(harness.model_requests()) == 2
    captured = harness.server.captured()
    for value in [*SMUGGLED, decoy.url.split("//")[1]]:
        assert value.encode() not in captured, f"{value!r} reached the upstream"
    name, prefix = harness.spec.credential_header
    assert all(r.headers.get(name, "").startswith(prefix) for r in harness.model_requests())


def test_backend_request_has_no_routing_or_credential_fields() -> None:
    """What an adapter gets from a request: nothing that names a place or a key."""
    names = {f.name for f in dataclasses.fields(BackendRequest)}
    assert names == {"model", "messages", "params", "request_id", "deadline"}


@pytest.mark.parametrize(
    ("provider", "reason"),
    [
        ({"type": "openai", "api_key": "sk-live-123"}, "secret reference"),
        ({"type": "anthropic", "api_key": "env:K", "base_url": "https://u:p@h"}, "credentials"),
        ({"type": "openai_compatible", "base_url": "file:///etc/passwd"}, "http(s) URL"),
        (
            {
                "type": "bedrock",
                "credentials": {"access_key_id": "env:A", "secret_access_key": "env:B"},
            },
            "region",
        ),
        ({"type": "azure_openai", "endpoint": "https://r.openai.azure.com"}, "exactly one"),
    ],
)
def test_config_refuses_inline_secrets_and_bad_upstreams(provider: dict, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ModelgwConfig.model_validate({"providers": {"p": provider}})
    assert reason in str(caught.value)


def test_routes_cannot_carry_an_upstream_address() -> None:
    with pytest.raises(ValidationError):
        ModelgwConfig.model_validate(
            {
                "providers": {"p": {"type": "openai", "api_key": "env:K"}},
                "models": {"m": {"route": [{"provider": "p", "base_url": "http://x"}]}},
            }
        )
