"""Chat Completions as OpenAI, Azure OpenAI and OpenAI-compatible servers speak it."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote

from tests.fakes.base import (
    Call,
    EmbedCall,
    ProviderFake,
    WireError,
    json_response,
    split_bytes,
)
from tests.fakes.server import FakeRequest


def _openai_error(status: int, message: str, kind: str = "invalid_request_error") -> WireError:
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return WireError(json_response(body, status))


def read_chat_body(request: FakeRequest, *, model_required: bool) -> dict[str, Any]:
    if request.headers.get("content-type") != "application/json":
        raise _openai_error(400, "content-type must be application/json")
    try:
        body = json.loads(request.body)
    except ValueError:
        raise _openai_error(400, "We could not parse the JSON body of your request.") from None
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _openai_error(400, "'messages' is a required property")
    for message in messages:
        role = message.get("role")
        if role not in {"system", "user", "assistant", "developer", "tool"}:
            raise _openai_error(400, f"Invalid role {message.get('role')!r}")
        content = message.get("content")
        if role == "assistant" and content is None and message.get("tool_calls"):
            pass
        elif isinstance(content, list) and role == "user":
            for part in content:
                if part.get("type") not in {"text", "image_url"}:
                    raise _openai_error(400, f"Invalid content part type {part.get('type')!r}")
        elif not isinstance(content, str):
            raise _openai_error(400, "content must be a string")
        if role == "tool" and not isinstance(message.get("tool_call_id"), str):
            raise _openai_error(400, "messages with role 'tool' must have a 'tool_call_id'")
        for call in message.get("tool_calls") or ():
            function = call.get("function") or {}
            if call.get("type") != "function" or not isinstance(function.get("arguments"), str):
                raise _openai_error(400, "tool_calls[].function.arguments must be a string")
    for tool in body.get("tools") or ():
        if tool.get("type") != "function" or not tool.get("function", {}).get("name"):
            raise _openai_error(400, "tools[].function.name is required")
        if not isinstance(tool["function"].get("parameters", {}), dict):
            raise _openai_error(400, "tools[].function.parameters must be an object")
    if model_required and not isinstance(body.get("model"), str):
        raise _openai_error(400, "you must provide a model parameter")
    if "stream_options" in body and body.get("stream") is not True:
        raise _openai_error(400, "stream_options is only allowed when stream is true")
    return body


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content if p.get("type") == "text")
    return content or ""


def chat_call(body: dict[str, Any], model: str) -> Call:
    messages = body["messages"]
    users = [_text(m["content"]) for m in messages if m["role"] == "user"]
    words = sum(len(_text(m["content"]).split()) for m in messages)
    last = messages[-1]
    ends_with_tool = last["role"] == "tool"
    text = last["content"] if ends_with_tool else (users[-1] if users else "")
    tools = tuple(t["function"]["name"] for t in body.get("tools") or ())
    return Call(model, body.get("stream") is True, text, words, tools, ends_with_tool)


def tool_call_body(model: str, name: str, arguments: str, prompt: int, completion: int) -> Any:
    body = completion_body(model, "", prompt, completion)
    choice = body["choices"][0]
    choice["message"]["content"] = None
    choice["message"]["tool_calls"] = [
        {
            "id": "call_fake0001",
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }
    ]
    choice["finish_reason"] = "tool_calls"
    return body


def tool_call_events(
    model: str, name: str, pieces: list[str], prompt: int, completion: int
) -> list[bytes]:
    """A streamed tool call as OpenAI sends it: id, type and name first, then arguments."""

    def event(choices: list[Any], usage: Any = None) -> bytes:
        chunk: dict[str, Any] = {"id": "chatcmpl-fake0002", "object": "chat.completion.chunk"}
        chunk.update(model=model, created=1_700_000_000, choices=choices, usage=usage)
        return f"data: {json.dumps(chunk)}\n\n".encode()

    def call(delta: dict[str, Any]) -> bytes:
        return event([{"index": 0, "delta": {"tool_calls": [delta]}, "finish_reason": None}])

    first = {"index": 0, "id": "call_fake0002", "type": "function"}
    out = [
        event(
            [{"index": 0, "delta": {"role": "assistant", "content": None}, "finish_reason": None}]
        ),
        call({**first, "function": {"name": name, "arguments": ""}}),
    ]
    out += [call({"index": 0, "function": {"arguments": p}}) for p in pieces]
    out.append(event([{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]))
    usage = {"prompt_tokens": prompt, "completion_tokens": completion}
    out.append(event([], {**usage, "total_tokens": prompt + completion}))
    out.append(b"data: [DONE]\n\n")
    return out


def completion_body(model: str, text: str, prompt: int, completion: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake0001",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def chunk_events(model: str, pieces: list[str], prompt: int, completion: int) -> list[bytes]:
    def event(choices: list[Any], usage: Any = None) -> bytes:
        chunk = {
            "id": "chatcmpl-fake0001",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": model,
            "choices": choices,
            "usage": usage,
        }
        return f"data: {json.dumps(chunk)}\n\n".encode()

    out = [
        event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    ]
    out += [event([{"index": 0, "delta": {"content": p}, "finish_reason": None}]) for p in pieces]
    out.append(event([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    out.append(event([], usage))
    out.append(b"data: [DONE]\n\n")
    return out


def read_embeddings_body(request: FakeRequest, model: str | None) -> EmbedCall:
    """OpenAI's Embeddings API request, as its servers check it."""
    try:
        body = json.loads(request.body)
    except ValueError:
        raise _openai_error(400, "We could not parse the JSON body of your request.") from None
    inputs = body.get("input")
    if isinstance(inputs, str):
        inputs = [inputs]
    if not isinstance(inputs, list) or not all(isinstance(t, str) and t for t in inputs):
        raise _openai_error(400, "'input' must be a non-empty string or array of strings")
    model = model if model is not None else body.get("model")
    if not isinstance(model, str):
        raise _openai_error(400, "you must provide a model parameter")
    if body.get("encoding_format", "float") != "float":
        raise _openai_error(400, "this fake answers floats only")
    return EmbedCall(model, inputs, body.get("dimensions"))


class _ChatFake(ProviderFake):
    def unary_body(self, text: str, prompt_tokens: int, completion_tokens: int) -> Any:
        return completion_body("echo", text, prompt_tokens, completion_tokens)

    def stream_bytes(
        self, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        return chunk_events("echo", pieces, prompt_tokens, completion_tokens)

    def tool_call_unary(
        self, name: str, arguments: str, prompt_tokens: int, completion_tokens: int
    ) -> Any:
        return tool_call_body("echo", name, arguments, prompt_tokens, completion_tokens)

    def tool_call_stream(
        self, name: str, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        return tool_call_events("echo", name, pieces, prompt_tokens, completion_tokens)

    def recorded_tool_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("tool_call_stream.sse"))

    def embedding_body(
        self, call: EmbedCall, vectors: list[list[float]], prompt_tokens: int
    ) -> Any:
        return {
            "object": "list",
            "data": [
                {"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)
            ],
            "model": "echo",
            "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens},
        }

    def recorded_unary(self) -> Any:
        return self.fixture_json("chat_completion.json")

    def recorded_stream(self) -> list[bytes]:
        return split_bytes(self.fixture("chat_completion_stream.sse"))

    def midstream_error(self) -> list[bytes]:
        return split_bytes(self.fixture("stream_error.sse"))


class OpenAIFake(_ChatFake):
    fixture_dir = "openai"

    def __init__(self, api_key: str, organization: str | None = None) -> None:
        self.api_key, self.organization = api_key, organization

    def read_embed_call(self, request: FakeRequest) -> EmbedCall | None:
        if request.path != "/v1/embeddings":
            return None
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            raise _openai_error(401, "Incorrect API key provided.", "invalid_api_key")
        return read_embeddings_body(request, None)

    def read_call(self, request: FakeRequest) -> Call:
        if request.method != "POST" or request.path != "/v1/chat/completions":
            raise _openai_error(404, f"Invalid URL ({request.method} {request.path})")
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            raise _openai_error(401, "Incorrect API key provided.", "invalid_api_key")
        if self.organization and request.headers.get("openai-organization") != self.organization:
            raise _openai_error(401, "No such organization", "invalid_organization")
        body = read_chat_body(request, model_required=True)
        if "max_tokens" in body:
            raise _openai_error(400, "Use 'max_completion_tokens' instead of 'max_tokens'.")
        return chat_call(body, body["model"])


class AzureOpenAIFake(_ChatFake):
    fixture_dir = "azure_openai"

    def __init__(self, api_key: str, api_version: str) -> None:
        self.api_key, self.api_version = api_key, api_version

    def read_embed_call(self, request: FakeRequest) -> EmbedCall | None:
        parts = request.path.split("/")
        if len(parts) != 5 or parts[1:3] != ["openai", "deployments"] or parts[4] != "embeddings":
            return None
        if request.headers.get("api-key") != self.api_key:
            raise WireError(json_response({"error": {"code": "401", "message": "denied"}}, 401))
        if request.query.get("api-version") != [self.api_version]:
            raise WireError(json_response({"error": {"code": "404", "message": "version"}}, 404))
        return read_embeddings_body(request, unquote(parts[3]))

    def read_call(self, request: FakeRequest) -> Call:
        parts = request.path.split("/")
        # /openai/deployments/{deployment}/chat/completions
        if (
            len(parts) != 6
            or parts[1:3] != ["openai", "deployments"]
            or parts[4:] != ["chat", "completions"]
        ):
            raise WireError(
                json_response({"error": {"code": "404", "message": "Resource not found"}}, 404)
            )
        if request.query.get("api-version") != [self.api_version]:
            raise WireError(
                json_response(
                    {"error": {"code": "404", "message": "API version not supported"}}, 404
                )
            )
        if request.headers.get("api-key") != self.api_key:
            raise WireError(
                json_response(
                    {
                        "error": {
                            "code": "401",
                            "message": "Access denied due to invalid subscription key or wrong "
                            "API endpoint.",
                        }
                    },
                    401,
                )
            )
        body = read_chat_body(request, model_required=False)
        return chat_call(body, unquote(parts[3]))


class OpenAICompatibleFake(_ChatFake):
    """vLLM's OpenAI-compatible server (its error bodies are not nested under `error`)."""

    fixture_dir = "openai_compatible"

    def __init__(self, api_key: str | None) -> None:
        self.api_key = api_key

    def read_embed_call(self, request: FakeRequest) -> EmbedCall | None:
        if request.path != "/v1/embeddings":
            return None
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            raise WireError(json_response({"error": "Unauthorized"}, 401))
        return read_embeddings_body(request, None)

    def read_call(self, request: FakeRequest) -> Call:
        if request.path != "/v1/chat/completions":
            raise WireError(json_response({"detail": "Not Found"}, 404))
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            raise WireError(json_response({"error": "Unauthorized"}, 401))
        body = read_chat_body(request, model_required=True)
        return chat_call(body, body["model"])
