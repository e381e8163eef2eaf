"""Fuzz the OpenAI-compatible HTTP door with bodies drawn from docs/openapi.json.

Every body valid for the published request schema (and the headers a caller
may add) gets an answer below 500 in the OpenAI error shape, and one audit
record (by the `x-request-id` response header) when it was admitted: a 200,
or a refusal after the request was checked (403 by policy, 429, 502/503/504),
and none for a 400 or 404 (malformed, unknown model).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.configs import DEV_KEY
from tests.fuzz.conftest import records_of
from tests.fuzz.settings import FUZZ
from tests.fuzz.strategies import chat_bodies, text
from tests.http_harness import ThreadedHttpGateway

NOT_ADMITTED = {400, 404}


@pytest.fixture(scope="module")
def client(fuzzed_gateway: ThreadedHttpGateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fuzzed_gateway.base_url, timeout=60) as client:
        yield client


headers = st.fixed_dictionaries(
    {},
    optional={
        "x-modelgw-session-id": text.map(lambda t: t.encode("utf-8", "replace").hex()[:40]),
        "x-client-request-id": st.sampled_from(["crm-1", "a" * 129, "bad id"]),
        "x-modelgw-timeout-ms": st.sampled_from(["1", "30000", "0", "600001", "abc"]),
    },
)


@FUZZ
@given(body=chat_bodies(), extra=headers)
def test_chat_completions_never_answer_5xx_and_audit_each_admitted_request_once(
    client: httpx.Client,
    channel: grpc.Channel,
    body: dict[str, Any],
    extra: dict[str, str],
) -> None:
    response = client.post(
        "/v1/chat/completions",
        content=json.dumps(body).encode(),
        headers={
            "content-type": "application/json",
            "authorization": f"Bearer {DEV_KEY}",
            **extra,
        },
    )
    assert response.status_code < 500 or response.status_code in {502, 503, 504}, response.text
    if response.status_code != 200:
        error = response.json()["error"]
        assert error["message"] and error["type"], error
    request_id = response.headers.get("x-request-id")
    if request_id is None:
        assert response.status_code in NOT_ADMITTED | {422}, response.text
        return
    expected = 0 if response.status_code in NOT_ADMITTED else 1
    assert records_of(channel, request_id) == expected, (response.status_code, response.text)
