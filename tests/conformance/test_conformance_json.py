"""Structured output in the shared conformance suite (#16): every adapter that declares it.

A JSON schema response format reaches the provider in its own form (OpenAI's
`response_format`, Gemini's `responseJsonSchema`, Cohere's `json_object`, a
forced tool on Anthropic and Bedrock, which have no JSON format); the answer
comes back as JSON text, unary and streamed alike.
"""

from __future__ import annotations

import json

import pytest

from modelgw.common.errors import BackendError
from modelgw.common.messages import ChatMessage, GenerationParams, Role
from modelgw.common.tools import ResponseFormat, ResponseFormatType, ToolDefinition
from modelgw.providers.base import BackendRequest
from modelgw.providers.features import Feature, backend_features
from tests.conformance.conftest import Harness

pytestmark = pytest.mark.timeout(60)

SCHEMA = json.dumps({"type": "object", "properties": {"query": {"type": "string"}}})
DOCUMENT = '{"query": "where is order A-1042?"}'


def _request(**params) -> BackendRequest:
    return BackendRequest(
        model="echo",
        messages=[ChatMessage(Role.USER, DOCUMENT)],
        params=GenerationParams(
            response_format=ResponseFormat(ResponseFormatType.JSON_SCHEMA, "query", SCHEMA),
            **params,
        ),
        request_id="conformance-json",
    )


async def test_json_schema_answers(harness: Harness) -> None:
    async with harness.backend() as backend:
        if Feature.JSON_SCHEMA not in backend_features(backend):
            pytest.skip(f"{harness.spec.id}: no JSON response format")
        response = await backend.generate(_request())
        chunks = [c async for c in backend.stream(_request())]
    streamed = "".join(c.delta for c in chunks)
    assert streamed == response.text
    answer = json.loads(response.text)
    assert isinstance(answer, dict) and "A-1042" in json.dumps(answer)
    assert not response.tool_calls and not any(c.tool_calls for c in chunks)
    for sent in harness.model_requests():
        assert b'"query"' in sent.body and b"string" in sent.body, "the schema was sent"


async def test_json_with_tools_where_the_format_is_a_forced_tool(harness: Harness) -> None:
    if harness.spec.id not in {"anthropic", "bedrock"}:
        pytest.skip("only providers that answer in JSON through a forced tool")
    async with harness.backend() as backend:
        with pytest.raises(BackendError, match="together with tools") as caught:
            await backend.generate(_request(tools=(ToolDefinition("f"),)))
    assert not caught.value.retryable
    assert harness.model_requests() == []
