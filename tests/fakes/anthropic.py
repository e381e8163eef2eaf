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


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content if b.get("type") == "text")


def _check_tool_blocks(messages: list[dict[str, Any]]) -> None:
    """What the Messages API checks: every tool_result answers a tool_use of the assistant
    turn just before it, and comes first in its user turn; inputs are objects."""
    for position, message in enumerate(messages):
        content = message["content"]
        if isinstance(content, str):
            continue
        kinds = [b.get("type") for b in content]
        if message["role"] == "assistant":
            for block in content:
                if block.get("type") == "tool_use" and not isinstance(block.get("input"), dict):
                    raise _error(400, "invalid_request_error", "tool_use.input must be an object")
            continue
        results = [b for b in content if b.get("type") == "tool_result"]
        if kinds[: len(results)] != ["tool_result"] * len(results):
            raise _error(400, "invalid_request_error", "tool_result blocks must come first")
        previous = messages[position - 1]["content"] if position else []
        ids = {b.get("id") for b in previous if isinstance(b, dict) and b.get("type") == "tool_use"}
        for block in results:
            if block.get("tool_use_id") not in ids:
                raise _error(
                    400,
                    "invalid_request_error",
                    "tool_result block(s) provided when previous message does not send tool_use",
                )
        for block in content:
            if block.get("type") == "image" and block["source"].get("type") not in {
                "base64",
                "url",
            }:
                raise _error(400, "invalid_request_error", "image.source.type")


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
        _check_tool_blocks(messages)
        for tool in body.get("tools") or ():
            if not tool.get("name") or not isinstance(tool.get("input_schema"), dict):
                raise _error(400, "invalid_request_error", "tools.0.input_schema: Field required")
        users = [_text(m["content"]) for m in messages if m["role"] == "user"]
        words = sum(len(_text(m["content"]).split()) for m in messages)
        words += len(str(body.get("system", "")).split())
        last = messages[-1]["content"]
        blocks = last if isinstance(last, list) else [{"type": "text", "text": last}]
        results = [b for b in blocks if b.get("type") == "tool_result"]
        ends_with_result = bool(results) and not _text(blocks)
        text = str(results[-1]["content"]) if ends_with_result else users[-1]
        tools = tuple(t["name"] for t in body.get("tools") or ())
        stream = body.get("stream") is True
        return Call(body["model"], stream, text, words, tools, ends_with_result)

    def tool_call_unary(
        self, name: str, arguments: str, prompt_tokens: int, completion_tokens: int
    ) -> Any:
        body = self.unary_body("", prompt_tokens, completion_tokens)
        use = {
            "type": "tool_use",
            "id": "toolu_fake01",
            "name": name,
            "input": json.loads(arguments),
        }
        body["content"], body["stop_reason"] = [use], "tool_use"
        return body

    def tool_call_stream(
        self, name: str, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        start = self.unary_body("", prompt_tokens, 1)
        start["content"], start["stop_reason"] = [], None
        block = {"type": "tool_use", "id": "toolu_fake02", "name": name, "input": {}}
        out = [
            _sse("message_start", {"type": "message_start", "message": start}),
            _sse(
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": block},
            ),
        ]
        out += [
            _sse(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "input_json_delta", "partial_json": p},
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
                    "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                    "usage": {"output_tokens": completion_tokens},
                },
            )
        )
        out.append(_sse("message_stop", {"type": "message_stop"}))
        return out

    def recorded_tool_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("tool_call_stream.sse"))

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
