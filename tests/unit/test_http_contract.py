"""The HTTP front door's fixed contracts: error table, OpenAPI copy, SSE chunk shapes."""

from __future__ import annotations

import json

import grpc
import pytest

from modelgw.common.errors import (
    BlockedByPolicy,
    DeadlineExceeded,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    TrustLayerUnavailable,
    Unauthenticated,
)
from modelgw.common.messages import FinishReason, TrustDecision, TrustSummary, Usage
from modelgw.gateway.chat import StreamDelta, StreamEnd
from modelgw.gateway.http.errors import STATUS_TABLE, describe
from modelgw.gateway.http.openapi import COMMITTED, render
from modelgw.gateway.http.sse import ChunkWriter


def test_every_grpc_status_but_ok_has_an_http_status() -> None:
    assert set(STATUS_TABLE) == set(grpc.StatusCode) - {grpc.StatusCode.OK}
    assert all(400 <= status < 600 for status, _, _ in STATUS_TABLE.values())


@pytest.mark.parametrize(
    ("error", "status", "type_"),
    [
        (InvalidArgument("x"), 400, "invalid_request_error"),
        (Unauthenticated("x"), 401, "invalid_request_error"),
        (BlockedByPolicy("x"), 403, "permission_error"),
        (NotFound("x"), 404, "invalid_request_error"),
        (ResourceExhausted("x"), 429, "rate_limit_error"),
        (TrustLayerUnavailable("x"), 503, "server_error"),
        (DeadlineExceeded("x"), 504, "server_error"),
    ],
)
def test_domain_errors_map_to_openai_statuses(error, status: int, type_: str) -> None:
    got_status, body = describe(error)
    assert got_status == status
    assert body["error"]["type"] == type_ and body["error"]["message"] == "x"


def test_committed_openapi_document_is_current() -> None:
    assert COMMITTED.read_text() == render(), (
        "docs/openapi.json is stale: run `make openapi` and commit it"
    )


def test_openapi_document_describes_the_api() -> None:
    document = json.loads(render())
    assert set(document["paths"]) == {
        "/v1/chat/completions",
        "/v1/embeddings",
        "/v1/models",
        "/v1/models/{model}",
    }
    post = document["paths"]["/v1/chat/completions"]["post"]
    assert set(post["responses"]["200"]["content"]) == {"application/json", "text/event-stream"}
    assert "422" not in post["responses"] and "413" in post["responses"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def _decode(frame: bytes) -> dict:
    assert frame.startswith(b"data: ") and frame.endswith(b"\n\n")
    return json.loads(frame[6:])


def test_chunk_writer_emits_usage_only_when_asked() -> None:
    end = StreamEnd(FinishReason.LENGTH, Usage(3, 4), TrustSummary(TrustDecision.CLEAN))
    plain = ChunkWriter("chatcmpl-1", 7, "echo", include_usage=False)
    [delta] = plain.event(StreamDelta("hi"))
    assert "usage" not in _decode(delta)
    [finish] = plain.event(end)
    assert _decode(finish)["choices"][0]["finish_reason"] == "length"

    with_usage = ChunkWriter("chatcmpl-1", 7, "echo", include_usage=True)
    assert _decode(with_usage.event(StreamDelta("hi"))[0])["usage"] is None
    finish, usage = with_usage.event(end)
    assert _decode(finish)["usage"] is None
    assert _decode(usage) == {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 7,
        "model": "echo",
        "choices": [],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    }


@pytest.mark.parametrize(
    "model",
    ["echo", 'a "quoted" m\u00f6del \U0001f600', "\ue000modelgw-delta\ue000"],
    ids=["plain", "odd", "the marker itself"],
)
@pytest.mark.parametrize("include_usage", [False, True])
def test_a_text_chunk_is_the_whole_chunk_encoded(model: str, include_usage: bool) -> None:
    """`content` splices the text into a frame encoded once; the bytes are `chunk`'s."""
    writer = ChunkWriter("chatcmpl-1", 7, model, include_usage)
    every_character = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for text in ("", "Hello", '" \\ \n \x00 \u2028', "\ud800", model, every_character):
        assert writer.content(text) == writer.chunk({"content": text})
    [delta] = writer.event(StreamDelta("hi"))
    assert delta == writer.chunk({"content": "hi"})


def test_the_listening_socket_is_tcp_so_asyncio_turns_off_nagle() -> None:
    """asyncio sets TCP_NODELAY on accepted sockets only when `proto` is TCP; with 0,
    every keep-alive response waited ~40 ms for a delayed ACK (found by the bench)."""
    import socket

    from modelgw.gateway.http.server import _bind

    sock = _bind("127.0.0.1:0")
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
