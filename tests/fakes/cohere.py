"""Cohere's v2 API: `/v2/chat` (SSE events when streaming) and `/v2/embed`, bearer key."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.base import Call, EmbedCall, ProviderFake, WireError, json_response, split_bytes
from tests.fakes.server import FakeRequest


def _error(status: int, message: str) -> WireError:
    return WireError(json_response({"id": "fake-error-0001", "message": message}, status))


def _sse(data: dict[str, Any]) -> bytes:
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode()


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if p.get("type") == "text")
    return content or ""


def _check_messages(messages: list[dict[str, Any]]) -> None:
    """What Cohere checks: roles, tool results naming a call made earlier, arguments as
    JSON text, no `content` beside `tool_calls` (the text goes in `tool_plan`)."""
    calls: set[str] = set()
    for message in messages:
        role = message.get("role")
        if role not in {"system", "user", "assistant", "tool"}:
            raise _error(400, f"invalid request: invalid role {role!r}")
        if role == "assistant" and message.get("tool_calls"):
            if "content" in message:
                raise _error(400, "invalid request: use tool_plan beside tool_calls")
            for call in message["tool_calls"]:
                json.loads(call["function"]["arguments"])
                calls.add(call["id"])
        elif role == "tool":
            if message.get("tool_call_id") not in calls:
                raise _error(400, "invalid request: tool message names an unknown tool call")
        elif not isinstance(message.get("content"), str | list):
            raise _error(400, "invalid request: content must be a string or a list")


class CohereFake(ProviderFake):
    fixture_dir = "cohere"

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key

    def _authorize(self, request: FakeRequest) -> None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            raise _error(498, "invalid api token")

    def read_embed_call(self, request: FakeRequest) -> EmbedCall | None:
        if request.path != "/v2/embed":
            return None
        self._authorize(request)
        body = json.loads(request.body)
        texts = body.get("texts")
        if not isinstance(texts, list) or not texts or not body.get("input_type"):
            raise _error(400, "invalid request: texts and input_type are required")
        if body.get("embedding_types") != ["float"]:
            raise _error(400, "invalid request: this fake answers float embeddings only")
        return EmbedCall(body["model"], texts, body.get("output_dimension"))

    def embedding_body(
        self, call: EmbedCall, vectors: list[list[float]], prompt_tokens: int
    ) -> Any:
        return {
            "id": "fake-embed-0001",
            "embeddings": {"float": vectors},
            "meta": {
                "api_version": {"version": "2"},
                "billed_units": {"input_tokens": prompt_tokens},
            },
            "response_type": "embeddings_by_type",
        }

    def read_call(self, request: FakeRequest) -> Call:
        if request.path != "/v2/chat":
            raise _error(404, f"unknown path {request.path}")
        self._authorize(request)
        body = json.loads(request.body)
        messages = body.get("messages") or []
        if not messages or not isinstance(body.get("model"), str):
            raise _error(400, "invalid request: model and messages are required")
        _check_messages(messages)
        if "top_p" in body or "stop" in body:
            raise _error(400, "invalid request: unknown field (Cohere says p, stop_sequences)")
        users = [_text(m["content"]) for m in messages if m["role"] == "user"]
        words = sum(len(_text(m.get("content")).split()) for m in messages)
        last = messages[-1]
        ends_with_result = last["role"] == "tool"
        text = _text(last["content"]) if ends_with_result else users[-1]
        tools = tuple(t["function"]["name"] for t in body.get("tools") or ())
        return Call(body["model"], body.get("stream") is True, text, words, tools, ends_with_result)

    def _usage(self, prompt: int, completion: int) -> dict[str, Any]:
        counts = {"input_tokens": prompt, "output_tokens": completion}
        return {"billed_units": counts, "tokens": counts}

    def unary_body(self, text: str, prompt_tokens: int, completion_tokens: int) -> Any:
        return {
            "id": "fake-chat-0001",
            "message": {"role": "assistant", "content": [{"type": "text", "text": text}]},
            "finish_reason": "COMPLETE",
            "usage": self._usage(prompt_tokens, completion_tokens),
        }

    def stream_bytes(
        self, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        out = [_sse({"type": "message-start", "id": "fake", "delta": {"message": {}}})]
        out += [
            _sse(
                {
                    "type": "content-delta",
                    "index": 0,
                    "delta": {"message": {"content": {"text": p}}},
                }
            )
            for p in pieces
        ]
        end = {"finish_reason": "COMPLETE", "usage": self._usage(prompt_tokens, completion_tokens)}
        out.append(_sse({"type": "message-end", "delta": end}))
        return out

    def tool_call_unary(
        self, name: str, arguments: str, prompt_tokens: int, completion_tokens: int
    ) -> Any:
        call = {
            "id": "fake_call_1",
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }
        return {
            "id": "fake-chat-0002",
            "message": {"role": "assistant", "tool_plan": "", "tool_calls": [call]},
            "finish_reason": "TOOL_CALL",
            "usage": self._usage(prompt_tokens, completion_tokens),
        }

    def tool_call_stream(
        self, name: str, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        def call(data: dict[str, Any]) -> dict[str, Any]:
            return {"message": {"tool_calls": data}}

        start = {
            "id": "fake_call_2",
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        out = [
            _sse({"type": "message-start", "id": "fake", "delta": {"message": {}}}),
            _sse({"type": "tool-call-start", "index": 0, "delta": call(start)}),
        ]
        out += [
            _sse(
                {
                    "type": "tool-call-delta",
                    "index": 0,
                    "delta": call({"function": {"arguments": p}}),
                }
            )
            for p in pieces
        ]
        out.append(_sse({"type": "tool-call-end", "index": 0}))
        end = {"finish_reason": "TOOL_CALL", "usage": self._usage(prompt_tokens, completion_tokens)}
        out.append(_sse({"type": "message-end", "delta": end}))
        return out

    def recorded_unary(self) -> Any:
        return self.fixture_json("chat.json")

    def recorded_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("chat_stream.sse"))

    def recorded_tool_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("tool_call_stream.sse"))

    def midstream_error(self) -> list[bytes]:
        return split_bytes(self.fixture("stream_error.sse"))
