"""SageMaker InvokeEndpoint / InvokeEndpointWithResponseStream (PayloadPart frames)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from tests.fakes import aws_frames
from tests.fakes.aws_sigv4 import verify_sigv4
from tests.fakes.base import Call, ProviderFake, WireError, json_response
from tests.fakes.openai import (
    chat_call,
    chunk_events,
    completion_body,
    read_chat_body,
    tool_call_body,
    tool_call_events,
)
from tests.fakes.server import FakeRequest


def _aws_error(status: int, kind: str, message: str) -> WireError:
    return WireError(json_response({"message": message}, status, {"x-amzn-ErrorType": f"{kind}:"}))


def payload_frames(data: bytes, size: int = 23) -> list[bytes]:
    """Container bytes wrapped in PayloadPart frames, split mid-line as SageMaker may."""
    return [
        aws_frames.event("PayloadPart", data[i : i + size], "application/octet-stream")
        for i in range(0, len(data), size)
    ]


class SageMakerFake(ProviderFake):
    """An endpoint whose container speaks Chat Completions (`openai_chat`) or TGI (`tgi`)."""

    stream_content_type = "application/vnd.amazon.eventstream"

    def __init__(self, access_key: str, secret_key: str, region: str, container: str) -> None:
        self.access_key, self.secret_key, self.region = access_key, secret_key, region
        self.container = container
        self.fixture_dir = "sagemaker" if container == "openai_chat" else "sagemaker_tgi"

    def read_call(self, request: FakeRequest) -> Call:
        parts = request.path.split("/")
        if len(parts) != 4 or parts[1] != "endpoints":
            raise _aws_error(404, "UnknownOperationException", "Unknown operation")
        if parts[3] not in {"invocations", "invocations-response-stream"}:
            raise _aws_error(404, "UnknownOperationException", "Unknown operation")
        problem = verify_sigv4(request, self.access_key, self.secret_key, self.region, "sagemaker")
        if problem:
            raise _aws_error(403, "InvalidSignatureException", problem)
        endpoint = unquote(parts[2])
        stream = parts[3] == "invocations-response-stream"
        if self.container == "openai_chat":
            body = read_chat_body(request, model_required=False)
            call = chat_call(body, endpoint)
        else:
            body = json.loads(request.body)
            if not isinstance(body.get("inputs"), str):
                raise _aws_error(424, "ModelError", "inputs must be a string")
            prompt = body["inputs"]
            last_user = [line for line in prompt.split("\n") if line.startswith("user: ")][-1]
            call = Call(endpoint, body.get("stream") is True, last_user[6:], len(prompt.split()))
        if call.stream != stream:
            raise _aws_error(400, "ValidationError", "stream flag and operation disagree")
        return call

    def unary_body(self, text: str, prompt_tokens: int, completion_tokens: int) -> Any:
        if self.container == "openai_chat":
            return completion_body("lmi", text, prompt_tokens, completion_tokens)
        details = {
            "finish_reason": "eos_token",
            "generated_tokens": completion_tokens,
            "seed": None,
        }
        details["prefill"] = [{"id": i, "text": "t", "logprob": None} for i in range(prompt_tokens)]
        return [{"generated_text": text, "details": details}]

    def _tgi_events(self, pieces: list[str], prompt: int, completion: int) -> bytes:
        out = b""
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            event = {
                "index": i + 1,
                "token": {"id": 100 + i, "text": piece, "logprob": -0.1, "special": False},
                "generated_text": "".join(pieces) if last else None,
                "details": {
                    "finish_reason": "eos_token",
                    "generated_tokens": completion,
                    "seed": None,
                    "input_length": prompt,
                }
                if last
                else None,
            }
            out += f"data:{json.dumps(event)}\n\n".encode()
        return out

    def stream_bytes(
        self, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        if self.container == "openai_chat":
            data = b"".join(chunk_events("lmi", pieces, prompt_tokens, completion_tokens))
        else:
            data = self._tgi_events(pieces, prompt_tokens, completion_tokens)
        return payload_frames(data)

    def tool_call_unary(
        self, name: str, arguments: str, prompt_tokens: int, completion_tokens: int
    ) -> Any:
        return tool_call_body("lmi", name, arguments, prompt_tokens, completion_tokens)

    def tool_call_stream(
        self, name: str, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        events = tool_call_events("lmi", name, pieces, prompt_tokens, completion_tokens)
        return payload_frames(b"".join(events))

    def recorded_tool_stream(self) -> list[bytes]:
        return payload_frames(self.fixture("tool_call_stream.sse"))

    def recorded_unary(self) -> Any:
        return self.fixture_json("invocations.json")

    def recorded_stream(self) -> list[bytes]:
        return payload_frames(self.fixture("response_stream.sse"))

    def midstream_error(self) -> list[bytes]:
        frames = payload_frames(self.fixture("response_stream.sse"))
        frames = frames[: len(frames) // 2]
        error = self.fixture_json("stream_error.json")
        return [
            *frames,
            aws_frames.exception(error["exception"], json.dumps(error["payload"]).encode()),
        ]
