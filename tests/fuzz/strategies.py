"""Hypothesis strategies for what callers send: the gRPC request messages (built field by
field as the protos declare them) and JSON bodies from the HTTP API's OpenAPI schema."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import strategies as st

from modelgw.api.v1 import audit_pb2, gateway_pb2

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = json.loads((ROOT / "docs/openapi.json").read_text())

# Valid Unicode text (a proto string cannot hold a lone surrogate) with the characters
# that broke things before: NUL, controls, Latin-1 digits, RTL and zero-width marks.
_ODD = "\x00\x01\x7f\u00b2\u0663\u200b\u202e\ufeff\U0001f600<>[]_"
_CHARACTERS = st.characters(exclude_categories=["Cs"]) | st.sampled_from(_ODD)
_NASTY = [
    "hello\x00world",
    "\x00",
    "\u00b2",
    "\u0663\u0660\u0660",
    "\u202egnp.exe",
    "\ufeffhello",
    "<PERSON_1> and [email address 1]",
    "Jane Roe, jane.roe@example.com",
    "line\nbreak\r\n",
    "\x7f\x01\x1b[31m",
    "\U0001f600" * 3,
]
text = st.sampled_from(_NASTY) | st.text(_CHARACTERS, max_size=40)
names = st.sampled_from(["", "echo", "nope", "acme", "globex", "ECHO"]) | text
int64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
uint32 = st.integers(min_value=0, max_value=2**32 - 1)
uint64 = st.integers(min_value=0, max_value=2**64 - 1)
floats = st.floats(width=32)
# Open proto3 enums take any int32.
roles = st.sampled_from([0, 7, 2**31 - 1]) | st.integers(min_value=-5, max_value=2**31 - 1)
in_range = st.floats(min_value=0.05, max_value=1.0)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | st.none() | strategy


_ID_CHARS = st.sampled_from("abcXYZ019._:-")
_BREAKABLE = ("model", "role", "request_id", "session_id", "params", "stop", "messages")


@st.composite
def generate_requests(draw: st.DrawFn) -> gateway_pb2.GenerateRequest:
    """Mostly well-formed requests carrying free text anywhere text may go (NUL, controls,
    odd digits, RTL marks), with at most a field or two broken, so most of them reach the
    pipeline and the audit log, where a 500 or a lost record would show."""
    broken = draw(st.sets(st.sampled_from(_BREAKABLE), max_size=2) | st.just(set()))
    request = gateway_pb2.GenerateRequest(
        model=draw(names) if "model" in broken else "echo",
        request_id=draw(text if "request_id" in broken else st.text(_ID_CHARS, max_size=20)),
    )
    count = draw(st.integers(min_value=0 if "messages" in broken else 1, max_value=4))
    for _ in range(count):
        role = draw(roles if "role" in broken else st.sampled_from([1, 2, 3]))
        request.messages.add(role=role, content=draw(text))
    if count and "messages" not in broken:
        request.messages.add(role=2, content=draw(text.filter(str.strip) | st.just("hello")))
    params = request.params
    for name, strategy in (
        ("max_tokens", uint32 if "params" in broken else st.integers(1, 4096)),
        ("temperature", floats if "params" in broken else st.floats(0, 2)),
        ("top_p", floats if "params" in broken else in_range),
        ("seed", int64),
        ("presence_penalty", floats if "params" in broken else st.floats(-2, 2)),
        ("frequency_penalty", floats if "params" in broken else st.floats(-2, 2)),
    ):
        value = draw(_optional(strategy))
        if value is not None:
            setattr(params, name, value)
    stops = (
        st.lists(text, max_size=6) if "stop" in broken else st.lists(text.filter(bool), max_size=2)
    )
    params.stop.extend(draw(stops))
    request.caller.end_user = draw(st.sampled_from(["", "jane@example.com"]) | text)
    sessions = text if "session_id" in broken else st.text(_ID_CHARS, max_size=20)
    request.caller.session_id = draw(sessions)
    for key, value in draw(st.dictionaries(text, text, max_size=3)).items():
        request.caller.labels[key] = value
    return request


def _timestamps() -> st.SearchStrategy[Timestamp]:
    return st.builds(
        Timestamp,
        seconds=int64 | st.integers(min_value=0, max_value=2_000_000_000),
        nanos=st.integers(min_value=-(2**31), max_value=2**31 - 1) | st.just(0),
    )


page_tokens = (
    st.sampled_from(["", "MjAyNS0wMS0wMVQwMDowMDowMCswMDowMHwx"])
    | text
    | st.binary(max_size=60).map(lambda b: base64.urlsafe_b64encode(b).decode())
)


@st.composite
def query_requests(draw: st.DrawFn) -> audit_pb2.QueryRecordsRequest:
    request = audit_pb2.QueryRecordsRequest(
        tenant=draw(st.sampled_from(["", "dev"]) | names),
        page_size=draw(st.sampled_from([0, 1, 1000]) | uint32),
        page_token=draw(page_tokens),
    )
    for name in ("end_user", "model", "provider", "entity_type", "decision", "status"):
        setattr(request, name, draw(st.sampled_from([""]) | text))
    request.client_request_id = draw(st.sampled_from([""]) | text)
    for name in ("since", "until"):
        stamp = draw(_optional(_timestamps()))
        if stamp is not None:
            getattr(request, name).CopyFrom(stamp)
    return request


audit_calls = st.one_of(
    query_requests().map(lambda r: ("QueryRecords", r)),
    st.builds(
        audit_pb2.GetRecordRequest, tenant=st.sampled_from(["", "dev"]) | names, request_id=text
    ).map(lambda r: ("GetRecord", r)),
    st.builds(
        audit_pb2.ExportRequest,
        filter=query_requests(),
        format=st.sampled_from([0, 1, 2]) | st.integers(min_value=0, max_value=2**31 - 1),
    ).map(lambda r: ("Export", r)),
    st.builds(
        audit_pb2.VerifyRequest,
        tenant=st.sampled_from(["", "dev"]) | names,
        from_seq=st.sampled_from([0, 1]) | uint64,
        to_seq=st.sampled_from([0]) | uint64,
    ).map(lambda r: ("Verify", r)),
)


# -- JSON bodies from the OpenAPI schema ----------------------------------------------------
def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = OPENAPI["components"]["schemas"][name]
    return schema


OVERRIDES: dict[str, st.SearchStrategy[Any]] = {
    # Mostly a model that exists, so most bodies get past the model check to the pipeline.
    "model": st.sampled_from(["echo", "echo", "echo", "nope"]) | text,
    "role": st.sampled_from(["system", "developer", "user", "assistant", "tool"]) | text,
    "type": st.just("text") | text,
}


def from_schema(schema: dict[str, Any], name: str = "") -> st.SearchStrategy[Any]:
    """Values valid for a (small) JSON schema, as FastAPI writes them into openapi.json."""
    if name in OVERRIDES:
        return OVERRIDES[name]
    schema = _resolve(schema)
    if "anyOf" in schema:
        return st.one_of([from_schema(option, name) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "string":
        longest = int(schema.get("maxLength", 60))
        return text.filter(lambda t: len(t) <= longest)
    if kind == "integer":
        return st.integers(
            min_value=int(schema["minimum"]) if "minimum" in schema else -(2**40),
            max_value=int(min(schema.get("maximum", 2**63 - 1), 2**63 - 1)),
        )
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=4)
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: from_schema(v, k) for k, v in properties.items() if k in required},
            optional={k: from_schema(v, k) for k, v in properties.items() if k not in required},
        )
    return st.none()


def chat_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Bodies of `POST /v1/chat/completions` as docs/openapi.json describes them."""
    body = OPENAPI["paths"]["/v1/chat/completions"]["post"]["requestBody"]
    return from_schema(body["content"]["application/json"]["schema"])
