"""`/v1/embeddings` and the gRPC `Embed` (#16): inputs masked first, audited like chat.

The echo backend answers each input with a vector made from a hash of the text
it received (`echo_vector`), so a test can tell whether the masked text or the
original reached it. One tenant keeps the default (mask), one chose local-only
routing (inputs unmasked, local backends only).
"""

from __future__ import annotations

import base64
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import openai
import pytest
from langchain_openai import OpenAIEmbeddings
from pydantic import SecretStr

from modelgw.api.v1 import audit_pb2, gateway_pb2
from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.schema import ModelgwConfig
from modelgw.providers.base import Backend
from modelgw.providers.echo import echo_vector
from tests.configs import gateway_config
from tests.harness import RecordingBackend, echo_backend
from tests.http_harness import HttpGateway, running_http_gateway

KEY = "mgw_test_embed_key_0123456789"
LOCAL_KEY = "mgw_test_embed_local_0123456789"
AUTH = (("authorization", f"Bearer {KEY}"),)
NAME, EMAIL = "John Smith", "john.smith@example.com"
TEXTS = [f"Complaint from {NAME} about a late parcel", f"Reply to {EMAIL} within a day"]
MASKED = [
    "Complaint from <PERSON_1> about a late parcel",
    "Reply to <EMAIL_ADDRESS_1> within a day",
]


def _config(audit_url: str) -> ModelgwConfig:
    data = gateway_config(audit_url=audit_url, keys={"dev": KEY}).model_dump(mode="json")
    data["tenants"]["local"] = {
        "api_keys": [{"id": "local", "sha256": hash_api_key(LOCAL_KEY)}],
        "embeddings": {"protection": "local_only"},
    }
    data["providers"]["remote"] = {"type": "echo", "locality": "external"}
    data["models"]["remote-embed"] = {"route": [{"provider": "remote"}]}
    return ModelgwConfig.model_validate(data)


@pytest.fixture
async def gateway(
    tmp_path: Path, trust_engine
) -> AsyncIterator[tuple[HttpGateway, RecordingBackend]]:
    config = _config(f"sqlite+aiosqlite:///{tmp_path}/audit.db")
    echo = RecordingBackend(echo_backend(config))
    backends: dict[str, Backend] = {"echo": echo, "remote": echo_backend(config, "remote")}
    async with running_http_gateway(config, trust_engine=trust_engine, backends=backends) as gw:
        yield gw, echo


def _client(gw: HttpGateway, key: str = KEY) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key=key, base_url=gw.openai_base_url, max_retries=0)


async def test_inputs_are_masked_before_the_backend_embeds_them(gateway) -> None:
    gw, echo = gateway
    async with _client(gw) as client:
        floats = await client.embeddings.create(
            model="echo", input=TEXTS, encoding_format="float", dimensions=16
        )
        packed = await client.embeddings.create(model="echo", input=TEXTS[0])  # SDK: base64
    assert [e.index for e in floats.data] == [0, 1]
    for item, masked in zip(floats.data, MASKED, strict=True):
        assert item.embedding == pytest.approx(echo_vector(masked, 16))
        assert item.embedding != pytest.approx(echo_vector(TEXTS[item.index], 16))
    assert packed.data[0].embedding == pytest.approx(echo_vector(MASKED[0]), rel=1e-6)
    assert floats.usage.prompt_tokens == floats.usage.total_tokens > 0
    assert [r.inputs for r in echo.embedded] == [MASKED, MASKED[:1]]


async def test_embeddings_are_audited_like_chat(gateway) -> None:
    gw, _ = gateway
    reply = await gw.grpc.gateway.Embed(
        gateway_pb2.EmbedRequest(model="echo", inputs=TEXTS, request_id="emb-1"), metadata=AUTH
    )
    assert [list(e.values) for e in reply.embeddings] == [
        pytest.approx(echo_vector(m)) for m in MASKED
    ]
    assert reply.client_request_id == "emb-1" and reply.route.backend == "echo"
    found = {f.entity_type for f in reply.trust.prompt_entities}
    assert {"PERSON", "EMAIL_ADDRESS"} <= found
    record = await gw.grpc.audit.GetRecord(
        audit_pb2.GetRecordRequest(request_id=reply.request_id), metadata=AUTH
    )
    assert record.operation == "embeddings" and record.status == "OK"
    assert [m.content for m in record.masked_prompt] == MASKED
    assert record.masked_response == ""
    assert NAME not in str(record) and EMAIL not in str(record)


async def test_local_only_tenants_send_real_text_to_local_backends_only(gateway) -> None:
    gw, echo = gateway
    async with _client(gw, LOCAL_KEY) as client:
        result = await client.embeddings.create(model="echo", input=TEXTS, encoding_format="float")
        assert result.data[0].embedding == pytest.approx(echo_vector(TEXTS[0]))
        assert echo.embedded[-1].inputs == TEXTS
        with pytest.raises(openai.BadRequestError, match="local_only"):
            await client.embeddings.create(model="remote-embed", input=TEXTS)


async def test_inputs_that_cannot_be_scanned_are_refused(gateway) -> None:
    gw, echo = gateway
    async with _client(gw) as client:
        with pytest.raises(openai.BadRequestError, match="token arrays"):
            await client.embeddings.create(model="echo", input=[[101, 2023, 102]])
        with pytest.raises(openai.BadRequestError, match="empty"):
            await client.embeddings.create(model="echo", input=[""])
        with pytest.raises(openai.BadRequestError, match="foo"):
            await client.embeddings.create(model="echo", input="x", extra_body={"foo": 1})
    assert echo.embedded == []


async def test_langchain_openai_embeddings(gateway) -> None:
    """LangChain sends token arrays by default (`check_embedding_ctx_length`); with it off it
    sends text, which modelgw can scan."""
    gw, echo = gateway
    embeddings = OpenAIEmbeddings(
        model="echo",
        base_url=gw.openai_base_url,
        api_key=SecretStr(KEY),
        check_embedding_ctx_length=False,
        max_retries=0,
    )
    vectors = await embeddings.aembed_documents(TEXTS)
    query = await embeddings.aembed_query(TEXTS[1])
    assert vectors[0] == pytest.approx(echo_vector(MASKED[0]), rel=1e-6)
    assert query == pytest.approx(echo_vector(MASKED[1]), rel=1e-6)
    assert all(r.inputs[0] in MASKED for r in echo.embedded)


def test_base64_is_little_endian_float32() -> None:
    from modelgw.gateway.http.app import _embedding

    encoded = _embedding([1.0, -0.5], "base64")
    assert isinstance(encoded, str)
    assert struct.unpack("<2f", base64.b64decode(encoded)) == (1.0, -0.5)
