"""Bedrock Converse / ConverseStream, with a SigV4 check and event-stream frames."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from tests.fakes import aws_frames
from tests.fakes.aws_sigv4 import verify_sigv4
from tests.fakes.base import Call, ProviderFake, WireError, json_response
from tests.fakes.server import FakeRequest


def _aws_error(status: int, kind: str, message: str) -> WireError:
    return WireError(json_response({"message": message}, status, {"x-amzn-ErrorType": f"{kind}:"}))


def frames_from_fixture(items: list[dict[str, Any]]) -> list[bytes]:
    out = []
    for item in items:
        payload = json.dumps(item["payload"]).encode()
        if "exception" in item:
            out.append(aws_frames.exception(item["exception"], payload))
        else:
            out.append(aws_frames.event(item["event"], payload))
    return out


class BedrockFake(ProviderFake):
    fixture_dir = "bedrock"
    stream_content_type = "application/vnd.amazon.eventstream"

    def __init__(self, access_key: str, secret_key: str, region: str) -> None:
        self.access_key, self.secret_key, self.region = access_key, secret_key, region

    def read_call(self, request: FakeRequest) -> Call:
        parts = request.path.split("/")
        if (
            len(parts) != 4
            or parts[1] != "model"
            or parts[3] not in {"converse", "converse-stream"}
        ):
            raise _aws_error(404, "UnknownOperationException", "Unknown operation")
        problem = verify_sigv4(request, self.access_key, self.secret_key, self.region, "bedrock")
        if problem:
            raise _aws_error(403, "InvalidSignatureException", problem)
        body = json.loads(request.body)
        messages = body.get("messages") or []
        for message in messages:
            if message["role"] not in {"user", "assistant"}:
                raise _aws_error(400, "ValidationException", "invalid role")
            if not all(isinstance(c.get("text"), str) for c in message["content"]):
                raise _aws_error(400, "ValidationException", "content blocks must be text")
        users = [m["content"][0]["text"] for m in messages if m["role"] == "user"]
        words = sum(len(c["text"].split()) for m in messages for c in m["content"])
        words += sum(len(s["text"].split()) for s in body.get("system", []))
        return Call(unquote(parts[2]), parts[3] == "converse-stream", users[-1], words)

    def unary_body(self, text: str, prompt_tokens: int, completion_tokens: int) -> Any:
        return {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "end_turn",
            "usage": {
                "inputTokens": prompt_tokens,
                "outputTokens": completion_tokens,
                "totalTokens": prompt_tokens + completion_tokens,
            },
            "metrics": {"latencyMs": 321},
        }

    def stream_bytes(
        self, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        items: list[dict[str, Any]] = [{"event": "messageStart", "payload": {"role": "assistant"}}]
        items += [
            {
                "event": "contentBlockDelta",
                "payload": {"contentBlockIndex": 0, "delta": {"text": p}},
            }
            for p in pieces
        ]
        items.append({"event": "contentBlockStop", "payload": {"contentBlockIndex": 0}})
        items.append({"event": "messageStop", "payload": {"stopReason": "end_turn"}})
        usage = self.unary_body("", prompt_tokens, completion_tokens)["usage"]
        items.append(
            {"event": "metadata", "payload": {"usage": usage, "metrics": {"latencyMs": 300}}}
        )
        return frames_from_fixture(items)

    def recorded_unary(self) -> Any:
        return self.fixture_json("converse.json")

    def recorded_stream(self) -> list[bytes]:
        # whole frames cut at odd offsets: the decoder must reassemble them
        data = b"".join(frames_from_fixture(self.fixture_json("converse_stream.json")))
        return [data[i : i + 29] for i in range(0, len(data), 29)]

    def truncated_stream(self) -> list[bytes]:
        frames = frames_from_fixture(self.fixture_json("converse_stream.json"))
        return frames[:3]

    def midstream_error(self) -> list[bytes]:
        return frames_from_fixture(self.fixture_json("stream_error.json"))
