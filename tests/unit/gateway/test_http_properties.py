"""Property-based tests of the HTTP surface: whatever arrives, never a 500.

The gateway runs once per module on a background loop (`http_gateway_in_thread`)
so hypothesis can drive it with a synchronous httpx client. Example counts
are bounded to keep the suite fast.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.configs import gateway_config
from tests.harness import RecordingBackend, echo_backend
from tests.http_harness import ThreadedHttpGateway, http_gateway_in_thread

KEY = "mgw_test_props_key_0123456789"
AUTH = {"authorization": f"Bearer {KEY}"}
LIMIT = 16 * 1024
VALID = {"model": "echo", "messages": [{"role": "user", "content": "Hello from Alice Jones"}]}
PROPS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, trust_engine
) -> Iterator[tuple[ThreadedHttpGateway, RecordingBackend, httpx.Client]]:
    config = gateway_config(
        {"server": {"max_message_bytes": LIMIT}},
        tmp_path=Path(tmp_path_factory.mktemp("props")),
        keys={"dev": KEY},
    )
    echo = RecordingBackend(echo_backend(config))
    with (
        http_gateway_in_thread(config, trust_engine=trust_engine, backends={"echo": echo}) as gw,
        httpx.Client(base_url=gw.base_url, timeout=30) as client,
    ):
        yield gw, echo, client


def _is_openai_error(response: httpx.Response) -> None:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def _post(client: httpx.Client, content: bytes, headers: dict[str, str] | None = None):
    return client.post(
        "/v1/chat/completions",
        content=content,
        headers={"content-type": "application/json", **AUTH, **(headers or {})},
    )


@PROPS
@given(body=st.binary(max_size=2000))
def test_arbitrary_bytes_are_a_400(served, body: bytes) -> None:
    _, _, client = served
    response = _post(client, body)
    assert response.status_code == 400, response.text
    _is_openai_error(response)


@PROPS
@given(cut=st.integers(min_value=0), stream=st.booleans())
def test_truncated_json_is_a_400_that_says_so(served, cut: int, stream: bool) -> None:
    _, echo, client = served
    text = json.dumps({**VALID, "stream": stream})
    before = len(echo.received)
    response = _post(client, text[: 1 + cut % (len(text) - 1)].encode())
    assert response.status_code == 400
    _is_openai_error(response)
    assert response.json()["error"]["message"] == "the request body is not valid JSON"
    assert len(echo.received) == before


@PROPS
@given(body=json_values)
def test_arbitrary_json_is_refused_with_a_4xx(served, body: object) -> None:
    _, _, client = served
    response = _post(client, json.dumps(body).encode())
    assert response.status_code == 400, response.text
    _is_openai_error(response)


FIELDS = {
    "model": st.sampled_from(["echo", "", "nope"]) | json_values,
    "messages": st.lists(
        st.fixed_dictionaries(
            {
                "role": st.sampled_from(["system", "developer", "user", "assistant", "tool"]),
                "content": st.text(max_size=60)
                | st.none()
                | st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": st.text()})),
            }
        )
        | json_values,
        max_size=4,
    )
    | json_values,
    "stream": st.booleans() | json_values,
    "stream_options": st.fixed_dictionaries({"include_usage": st.booleans()}) | json_values,
    "max_tokens": st.integers(min_value=-5, max_value=2**70) | json_values,
    "temperature": st.floats(allow_nan=False, min_value=-3, max_value=3) | json_values,
    "top_p": st.floats(allow_nan=False, allow_infinity=False) | json_values,
    "stop": st.text(max_size=5) | st.lists(st.text(max_size=5), max_size=6) | json_values,
    "seed": st.integers() | json_values,
    "n": st.integers(min_value=-1, max_value=3) | json_values,
    "user": st.text(max_size=300) | json_values,
    "frequency_penalty": st.floats(allow_nan=False) | json_values,
    "unknown_field": json_values,
}


@settings(PROPS, max_examples=60)
@given(
    changes=st.dictionaries(st.sampled_from(sorted(FIELDS)), st.none(), max_size=4).flatmap(
        lambda keys: st.fixed_dictionaries({k: FIELDS[k] for k in keys})
    ),
    dropped=st.sets(st.sampled_from(["model", "messages"])),
)
def test_mutated_requests_never_get_a_500(served, changes: dict, dropped: set[str]) -> None:
    _, _, client = served
    body = {k: v for k, v in {**VALID, **changes}.items() if k not in dropped}
    response = _post(client, json.dumps(body).encode())
    assert response.status_code in {200, 400, 403, 404}, response.text
    if response.status_code != 200:
        _is_openai_error(response)
    elif response.headers["content-type"].startswith("text/event-stream"):
        events = response.text.split("\n\n")
        assert events[-1] == ""
        payloads = [e.removeprefix("data: ") for e in events[:-1]]
        assert payloads[-1] == "[DONE]", payloads[-1]
        for payload in payloads[:-1]:
            assert json.loads(payload)["object"] == "chat.completion.chunk"
    else:
        assert response.json()["object"] == "chat.completion"


@PROPS
@given(
    header=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80).map(str.strip)
)
def test_any_wrong_authorization_is_a_401(served, header: str) -> None:
    _, echo, client = served
    before = len(echo.received)
    response = client.post("/v1/chat/completions", json=VALID, headers={"authorization": header})
    assert response.status_code == 401
    _is_openai_error(response)
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert len(echo.received) == before


@settings(PROPS, max_examples=20)
@given(
    size=st.integers(min_value=LIMIT + 1, max_value=4 * LIMIT),
    chunked=st.booleans(),
    authenticated=st.booleans(),
    valid_json=st.booleans(),
)
def test_oversize_bodies_are_413_before_any_work(
    served, size: int, chunked: bool, authenticated: bool, valid_json: bool
) -> None:
    """413 wins over 401 and 400: the body is refused before auth, parsing or the pipeline."""
    _, echo, client = served
    if valid_json:
        filler = "x" * size
        body = json.dumps({**VALID, "messages": [{"role": "user", "content": filler}]}).encode()
    else:
        body = b"{" * size
    before = len(echo.received)
    content: bytes | Iterator[bytes] = body
    if chunked:  # no Content-Length: the limit must hold while counting
        content = iter([body[i : i + 4096] for i in range(0, len(body), 4096)])
    headers = {"content-type": "application/json", **(AUTH if authenticated else {})}
    response = client.post("/v1/chat/completions", content=content, headers=headers)
    assert response.status_code == 413
    _is_openai_error(response)
    assert len(echo.received) == before


def test_an_empty_body_is_a_400(served) -> None:
    _, _, client = served
    response = _post(client, b"")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "the request body is empty; send a JSON object"


def test_a_body_at_the_limit_is_served(served) -> None:
    _, _, client = served
    base = json.dumps({**VALID, "messages": [{"role": "user", "content": ""}]})
    body = json.dumps(
        {**VALID, "messages": [{"role": "user", "content": "y" * (LIMIT - len(base))}]}
    )
    assert len(body) == LIMIT
    response = _post(client, body.encode())
    assert response.status_code == 200, response.text
    over = _post(client, body.encode() + b" ")
    assert over.status_code == 413


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/chat/completions", 405),
        ("POST", "/v1/models", 405),
        ("GET", "/v1/nothing-here", 404),
        ("DELETE", "/v1/models/echo", 405),
    ],
)
def test_unknown_routes_answer_in_openai_shape(served, method: str, path: str, status: int) -> None:
    _, _, client = served
    response = client.request(method, path, headers=AUTH)
    assert response.status_code == status
    _is_openai_error(response)


def test_the_served_openapi_document_is_the_committed_one(served) -> None:
    from modelgw.gateway.http.openapi import COMMITTED

    _, _, client = served
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(COMMITTED.read_text())
