"""Anthropic's Messages API: `x-api-key`, `anthropic-version`, named SSE events."""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.fakes.base import Call, ProviderFake, WireError, json_response, split_bytes
from tests.fakes.server import FakeRequest


def _error(status: int, kind: str, message: str) -> WireError:
    return WireError(
        json_response({"type": "error", "error": {"type": kind, "message": message}}, status)
    )


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


class AnthropicFake(ProviderFake):
    fixture_dir = "anthropic"

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key

    def read_call(self, request: FakeRequest) -> Call:
        if request.path != "/v1/messages":
            raise _error(404, "not_found_error", "Not found")
        if request.headers.get("x-api-key") != self.api_key:
            raise _error(401, "authentication_error", "invalid x-api-key")
        if not request.headers.get("anthropic-version"):
            raise _error(400, "invalid_request_error", "anthropic-version header is required")
        body = json.loads(request.body)
        if not isinstance(body.get("max_tokens"), int):
            raise _error(400, "invalid_request_error", "max_tokens: Field required")
        messages = body.get("messages") or []
        roles = [m["role"] for m in messages]
        if "system" in roles:
            raise _error(
                400,
                "invalid_request_error",
                'messages: Unexpected role "system". Use the top-level `system` parameter.',
            )
        if any(a == b for a, b in itertools.pairwise(roles)) or roles[:1] != ["user"]:
            raise _error(400, "invalid_request_error", "messages: roles must alternate from user")
        users = [m["content"] for m in messages if m["role"] == "user"]
        words = sum(len(m["content"].split()) for m in messages)
        words += len(str(body.get("system", "")).split())
        return Call(body["model"], body.get("stream") is True, users[-1], words)

    def unary_body(self, text: str, prompt_tokens: int, completion_tokens: int) -> Any:
        return {
            "id": "msg_fake01",
            "type": "message",
            "role": "assistant",
            "model": "echo",
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens},
        }

    def stream_bytes(
        self, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        start = self.unary_body("", prompt_tokens, 1)
        start["content"], start["stop_reason"] = [], None
        out = [_sse("message_start", {"type": "message_start", "message": start})]
        out.append(
            _sse(
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
            )
        )
        out.append(_sse("ping", {"type": "ping"}))
        out += [
            _sse(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": p},
                },
            )
            for p in pieces
        ]
        out.append(_sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
        out.append(
            _sse(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {"output_tokens": completion_tokens},
                },
            )
        )
        out.append(_sse("message_stop", {"type": "message_stop"}))
        return out

    def recorded_unary(self) -> Any:
        return self.fixture_json("message.json")

    def recorded_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("message_stream.sse"))

    def midstream_error(self) -> list[bytes]:
        return split_bytes(self.fixture("stream_error.sse"))
