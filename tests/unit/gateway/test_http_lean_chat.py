"""The lean chat route answers exactly as the FastAPI route does, and takes only what it may.

Two apps from `create_app` over the same kind of fake gateway: one as served
(the lean path in front), one with the lean path taken out (FastAPI's route
alone: the reference). Each case goes to both as raw ASGI messages; status,
headers (in order) and body bytes must be equal once the random request id is
fixed and the clock's second is blanked. Each case also says which way the
served app must have taken, so a lean path that handed everything to FastAPI,
or served what it should have handed on, fails.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from pydantic import TypeAdapter
from pydantic_core import PydanticSerializationError
from starlette.responses import JSONResponse
from starlette.types import Message

from modelgw.common.errors import BlockedByPolicy, ResourceExhausted, Unavailable
from modelgw.common.messages import FinishReason, Usage
from modelgw.common.tools import ToolCall
from modelgw.gateway.chat import ChatResult
from modelgw.gateway.http import app as app_module
from modelgw.gateway.http import lean_chat
from modelgw.gateway.http.app import create_app
from modelgw.gateway.http.chat_call import completion_response
from modelgw.gateway.http.convert import chat_completion
from modelgw.gateway.http.lean_chat import LeanChatRoute, decode
from modelgw.gateway.http.models import ChatCompletionRequest
from tests.fakes.door import CLEAN, GOOD_KEY, ROUTE, FakeGateway
from tests.fuzz.strategies import chat_bodies

PATH = "/v1/chat/completions"
MAX_BODY = 4096
REQUEST_ID = "0123456789abcdef0123456789abcdef"
MESSAGES = [{"role": "user", "content": "Summarise the month in one sentence."}]
VALID = json.dumps({"model": "fake", "messages": MESSAGES, "temperature": 0}).encode()
STREAM = json.dumps({"model": "fake", "messages": MESSAGES, "stream": True}).encode()
JSON = (b"content-type", b"application/json")
AUTH = (b"authorization", GOOD_KEY.encode())
ODD_TEXT = 'é — \U0001f600 " \\ \n\t\x00\x1f\x7f \u2028\u2029 </script> \ufeff'
"""Everything JSON encoders disagree on: escapes, controls, non-ASCII, line separators."""


def fastapi_only(app: FastAPI) -> FastAPI:
    """The same app without the lean path: the chat route as FastAPI serves it."""
    app.user_middleware = [
        m for m in app.user_middleware if cast(object, m.cls) is not LeanChatRoute
    ]
    return app


@dataclass
class Exchange:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    raised: str
    """The exception that left the app (after Starlette's 500), by type."""


async def exchange(
    app: FastAPI, method: str, path: str, headers: list[tuple[bytes, bytes]], parts: list[bytes]
) -> Exchange:
    pending: list[Message] = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]
    answered = asyncio.Event()
    sent: list[Message] = []

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        await answered.wait()  # what uvicorn does: the disconnect comes after the answer
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            answered.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    raised = ""
    try:
        await app(scope, receive, send)
    except Exception as exc:  # what the server would log after the 500 went out
        raised = type(exc).__name__
    start, *rest = sent
    assert start["type"] == "http.response.start"
    body = b"".join(m.get("body", b"") for m in rest)
    return Exchange(start["status"], list(start["headers"]), body, raised)


def _blank_clock(body: bytes) -> bytes:
    return re.sub(rb'"created":\d+', b'"created":0', body)


@dataclass(frozen=True)
class Case:
    name: str
    status: int
    way: str
    """`lean`: served by the lean path; `fastapi`: handed on to FastAPI's route;
    `around`: never reaches the chat route (another path or method, a refused body)."""
    body: bytes = VALID
    headers: tuple[tuple[bytes, bytes], ...] = (JSON, AUTH)
    gateway: Callable[[], FakeGateway] = FakeGateway
    method: str = "POST"
    path: str = PATH
    parts: int = 1
    raised: str = ""


def _with(body: bytes = VALID, **fields: object) -> bytes:
    return json.dumps({**json.loads(body), **fields}).encode()


CASES = [
    Case("unary", 200, "lean"),
    Case("unary with odd text", 200, "lean", gateway=lambda: FakeGateway(text=ODD_TEXT)),
    Case(
        "unary with only tool calls",
        200,
        "lean",
        gateway=lambda: FakeGateway(
            text="", tool_calls=(ToolCall("call_1", "get_weather", '{"city": "Oslo"}'),)
        ),
    ),
    Case("stream", 200, "lean", body=STREAM),
    Case(
        "stream with usage and odd text",
        200,
        "lean",
        body=_with(STREAM, stream_options={"include_usage": True}),
        gateway=lambda: FakeGateway(deltas=(ODD_TEXT, "x")),
    ),
    Case(
        "stream failing mid-way",
        200,
        "lean",
        body=STREAM,
        gateway=lambda: FakeGateway(raises_mid_stream=Unavailable("the backend went away")),
    ),
    Case(
        "stream breaking mid-way",
        200,
        "lean",
        body=STREAM,
        gateway=lambda: FakeGateway(raises_mid_stream=RuntimeError("a bug")),
    ),
    Case(
        "stream refused by policy",
        403,
        "lean",
        body=STREAM,
        gateway=lambda: FakeGateway(raises=BlockedByPolicy("the prompt holds a card number")),
    ),
    Case(
        "unary over quota, with a client id",
        429,
        "lean",
        headers=(JSON, AUTH, (b"x-client-request-id", b"crm-1")),
        gateway=lambda: FakeGateway(raises=ResourceExhausted("slow down", retry_after_s=7)),
    ),
    Case("legacy request id", 200, "lean", headers=(JSON, AUTH, (b"x-request-id", b"old-1"))),
    Case(
        "client id wins over the legacy one",
        200,
        "lean",
        headers=(JSON, (b"x-request-id", b"old-1"), AUTH, (b"x-client-request-id", b"new-1")),
    ),
    Case(
        "empty client id, legacy one used",
        200,
        "lean",
        headers=(JSON, AUTH, (b"x-client-request-id", b""), (b"x-request-id", b"old-1")),
    ),
    Case(
        "first of two client ids",
        200,
        "lean",
        headers=(JSON, AUTH, (b"x-client-request-id", b"a-1"), (b"x-client-request-id", b"b-2")),
    ),
    Case("bad client id", 400, "lean", headers=(JSON, AUTH, (b"x-client-request-id", b"a b"))),
    Case("bad timeout", 400, "lean", headers=(JSON, AUTH, (b"x-modelgw-timeout-ms", b"abc"))),
    Case("timeout", 200, "lean", headers=(JSON, AUTH, (b"x-modelgw-timeout-ms", b"30000"))),
    Case("session id", 200, "lean", headers=(JSON, AUTH, (b"x-modelgw-session-id", b"s-1"))),
    Case("unsupported n", 400, "lean", body=_with(n=2)),
    Case("no key", 401, "lean", headers=(JSON,)),
    Case("unknown key", 401, "lean", headers=(JSON, (b"authorization", b"Bearer nope"))),
    Case("body in three parts", 200, "lean", parts=3),
    Case(
        "json with a charset",
        200,
        "lean",
        headers=((b"content-type", b"application/json; charset=utf-8"), AUTH),
    ),
    Case("json in capitals", 200, "lean", headers=((b"content-type", b" Application/JSON "), AUTH)),
    Case(
        "bug in the pipeline",
        500,
        "lean",
        gateway=lambda: FakeGateway(raises=RuntimeError("x")),
        raised="RuntimeError",
    ),
    Case(
        "bug before a stream",
        500,
        "lean",
        body=STREAM,
        gateway=lambda: FakeGateway(raises=RuntimeError("x")),
        raised="RuntimeError",
    ),
    Case("malformed JSON", 400, "fastapi", body=b'{"model": "fake", '),
    Case("malformed JSON, no key", 400, "fastapi", body=b"{nope", headers=(JSON,)),
    Case("unknown field", 400, "fastapi", body=_with(colour="blue")),
    Case("unknown field, no key", 401, "fastapi", body=_with(colour="blue"), headers=(JSON,)),
    Case("wrong type", 400, "fastapi", body=_with(temperature="hot")),
    Case("empty body", 400, "fastapi", body=b""),
    Case("text content type", 400, "fastapi", headers=((b"content-type", b"text/plain"), AUTH)),
    Case("no content type", 400, "fastapi", headers=(AUTH,)),
    Case(
        "+json content type",
        200,
        "fastapi",
        headers=((b"content-type", b"application/vnd.x+json"), AUTH),
    ),
    Case(
        "text type before a json one",
        400,
        "fastapi",
        headers=((b"content-type", b"text/plain"), JSON, AUTH),
    ),
    Case("UTF-16 body", 200, "fastapi", body=VALID.decode().encode("utf-16")),
    Case("lone surrogate", 200, "fastapi", body=VALID.replace(b"Summarise", b"\\ud800")),
    Case("oversize body", 413, "around", body=_with(user="x" * MAX_BODY)),
    Case("bad content-length", 400, "around", headers=(JSON, AUTH, (b"content-length", b"x"))),
    Case("trailing slash", 307, "around", path=PATH + "/"),
    Case("GET", 405, "around", method="GET", body=b""),
]


@dataclass
class Ways:
    served: int = 0
    handed_on: int = 0
    seen: list[str] = field(default_factory=list)


@pytest.fixture
def ways(monkeypatch: pytest.MonkeyPatch) -> Ways:
    """Counts which way the lean path took; fixes the request id both ways in use."""
    counted = Ways()
    serve, replay = LeanChatRoute._serve, lean_chat._replay

    async def counting_serve(self: LeanChatRoute, *args: Any) -> None:
        counted.served += 1
        await serve(self, *args)

    def counting_replay(*args: Any) -> Any:
        counted.handed_on += 1
        return replay(*args)

    monkeypatch.setattr(LeanChatRoute, "_serve", counting_serve)
    monkeypatch.setattr(lean_chat, "_replay", counting_replay)
    monkeypatch.setattr(lean_chat, "new_request_id", lambda: REQUEST_ID)
    monkeypatch.setattr(app_module, "new_request_id", lambda: REQUEST_ID)
    return counted


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_lean_route_answers_as_the_fastapi_route(case: Case, ways: Ways) -> None:
    size = -(-len(case.body) // case.parts) or 1
    parts = [case.body[i : i + size] for i in range(0, len(case.body), size)] or [b""]
    headers = list(case.headers)
    if not any(name == b"content-length" for name, _ in headers):
        headers.append((b"content-length", str(len(case.body)).encode()))
    answers = []
    for lean in (True, False):
        gateway = case.gateway()
        app = create_app(gateway, gateway, max_body_bytes=MAX_BODY)
        if not lean:
            app = fastapi_only(app)
        before = (ways.served, ways.handed_on)
        answers.append(await exchange(app, case.method, case.path, headers, parts))
        if lean:
            took = {
                (1, 0): "lean",
                (0, 1): "fastapi",
                (0, 0): "around",
            }[(ways.served - before[0], ways.handed_on - before[1])]
            assert took == case.way
        else:
            assert (ways.served, ways.handed_on) == before  # the reference has no lean path
    lean_answer, reference = answers
    assert lean_answer.status == case.status, lean_answer.body
    assert lean_answer.raised == case.raised
    assert lean_answer.headers == reference.headers
    assert _blank_clock(lean_answer.body) == _blank_clock(reference.body)
    assert lean_answer.raised == reference.raised


# -- the unary answer's bytes ---------------------------------------------------------------------
EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        (EVERY_CHARACTER, ()),
        (ODD_TEXT, (ToolCall("call_1", "f", '{"a": "\\u00e9 \\n"}'),)),
        ("", (ToolCall("c1", "f", "{}"), ToolCall("c2", "g", '{"x": 1}'))),
    ],
    ids=["every character", "text and a call", "only calls"],
)
def test_the_completion_is_the_bytes_json_response_made(
    text: str, calls: tuple[ToolCall, ...]
) -> None:
    """Both ways in send `completion_response`; before it, the route sent
    `JSONResponse(completion.model_dump())`. Same bytes, same headers."""
    result = ChatResult(
        "rid", "", "fake", text, FinishReason.STOP, Usage(1, 2), CLEAN, ROUTE, tool_calls=calls
    )
    headers = {"x-request-id": "rid", "x-client-request-id": "c-1"}
    before = JSONResponse(chat_completion(result, 17).model_dump(), headers=dict(headers))
    now = completion_response(result, 17, dict(headers))
    assert now.body == before.body
    assert now.raw_headers == before.raw_headers


def test_an_answer_that_cannot_be_utf8_is_a_500_as_before() -> None:
    """A lone surrogate from a backend: both encoders refuse it (then Starlette's 500)."""
    result = ChatResult("rid", "", "fake", "a\ud800", FinishReason.STOP, Usage(), CLEAN, ROUTE)
    with pytest.raises(UnicodeEncodeError):
        JSONResponse(chat_completion(result, 17).model_dump())
    with pytest.raises(PydanticSerializationError, match="UnicodeEncodeError"):
        completion_response(result, 17, {})


# -- the decoder -------------------------------------------------------------------------------
_FASTAPI_WAY = TypeAdapter(ChatCompletionRequest)


def fastapi_decode(body: bytes) -> ChatCompletionRequest | None:
    """FastAPI's way (fastapi/routing.py): `json.loads`, then the model in Python mode."""
    try:
        return _FASTAPI_WAY.validate_python(json.loads(body), from_attributes=True)
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError, ValidationError
        return None


def _message(content: bytes) -> bytes:
    return b'{"model":"m","messages":[{"role":"user","content":' + content + b"}]}"


def _nested(depth: int) -> bytes:
    schema = b"[" * depth + b"]" * depth
    tool = b'{"type":"function","function":{"name":"f","parameters":{"x":' + schema + b"}}}"
    return _message(b'"hi"')[:-1] + b',"tools":[' + tool + b"]}"


TAKEN = {
    "plain": _message(b'"hi"'),
    "a duplicate key: the last wins": _message(b'"hi"')[:-1] + b',"model":"n"}',
    "an escaped surrogate pair": _message(b'"\\ud83d\\ude00"'),
    "DEL unescaped": _message(b'"a\x7fb"'),
    "blanks around": b" \r\n" + _message(b'"hi"') + b"\t ",
    "an int where a float goes": _message(b'"hi"')[:-1] + b',"temperature":1}',
    "NaN in a tool's schema": _nested(1).replace(b"[]", b"NaN"),
    "huge numbers in a tool's schema": _nested(1).replace(
        b"[]", b"[1e400,12345678901234567890123]"
    ),
    "nesting 100 deep": _nested(100),
}
HANDED_ON = {
    "a lone surrogate": _message(b'"\\ud800"'),
    "a UTF-8 encoded surrogate": _message(b'"\xed\xa0\x80"'),
    "a byte order mark": b"\xef\xbb\xbf" + _message(b'"hi"'),
    "UTF-16": _message(b'"hi"').decode().encode("utf-16"),
    "nesting 500 deep": _nested(500),
}
REFUSED = {
    "invalid UTF-8": _message(b'"\xff"'),
    "a raw line break in a string": _message(b'"a\nb"'),
    "trailing data": _message(b'"hi"') + b" x",
    "a form feed around": b"\x0c" + _message(b'"hi"'),
    "a float where an int goes": _message(b'"hi"')[:-1] + b',"max_tokens":1.0}',
    "NaN where a float goes": _message(b'"hi"')[:-1] + b',"temperature":NaN}',
    "true where an int goes": _message(b'"hi"')[:-1] + b',"n":true}',
    "a leading zero": _message(b'"hi"')[:-1] + b',"n":01}',
    "nesting 1000 deep": _nested(1000),
    "empty": b"",
    "an array": b"[]",
}


@pytest.mark.parametrize("body", TAKEN.values(), ids=TAKEN.keys())
def test_the_lean_decoder_takes_what_fastapi_takes_with_the_same_values(body: bytes) -> None:
    lean, fastapi = decode([JSON], body), fastapi_decode(body)
    assert lean is not None and fastapi is not None
    assert repr(lean) == repr(fastapi)  # repr: NaN is not equal to itself


@pytest.mark.parametrize("body", HANDED_ON.values(), ids=HANDED_ON.keys())
def test_the_lean_decoder_hands_on_what_only_json_loads_takes(body: bytes) -> None:
    assert decode([JSON], body) is None
    assert fastapi_decode(body) is not None


@pytest.mark.parametrize("body", REFUSED.values(), ids=REFUSED.keys())
def test_what_fastapi_refuses_the_lean_decoder_hands_on(body: bytes) -> None:
    assert fastapi_decode(body) is None
    assert decode([JSON], body) is None


@pytest.mark.parametrize(
    "content_type",
    [b"text/plain", b"application/jsonx", b"application/x-json", b"", b"application/json, x"],
)
def test_only_a_json_content_type_is_decoded(content_type: bytes) -> None:
    assert decode([(b"content-type", content_type)], VALID) is None
    assert decode([], VALID) is None
    assert decode([(b"content-type", b"application/json;charset=utf-8")], VALID) is not None


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(body=chat_bodies())
def test_the_decoders_agree_on_bodies_of_the_published_schema(body: dict[str, Any]) -> None:
    for ascii_only in (True, False):
        raw = json.dumps(body, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
        lean = decode([JSON], raw)
        fastapi = fastapi_decode(raw)
        if lean is not None:  # else FastAPI decides (and answers any error)
            assert repr(lean) == repr(fastapi)
