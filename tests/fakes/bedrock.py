"""Bedrock Converse / ConverseStream, with a SigV4 check and event-stream frames."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from tests.fakes import aws_frames
from tests.fakes.aws_sigv4 import verify_sigv4
from tests.fakes.base import Call, EmbedCall, ProviderFake, WireError, json_response
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


def _text(content: list[dict[str, Any]]) -> str:
    return "\n".join(c["text"] for c in content if "text" in c)


def _check_blocks(messages: list[dict[str, Any]], body: dict[str, Any]) -> None:
    """What Converse validates: block kinds per role, tool results answering the tool uses
    of the turn before, a toolConfig whenever tool blocks are present."""
    uses_tools = False
    for position, message in enumerate(messages):
        role = message["role"]
        if role not in {"user", "assistant"}:
            raise _aws_error(400, "ValidationException", "invalid role")
        allowed = {"text", "image", "toolResult"} if role == "user" else {"text", "toolUse"}
        for block in message["content"]:
            if len(block) != 1 or next(iter(block)) not in allowed:
                raise _aws_error(400, "ValidationException", f"bad {role} content block")
            if "image" in block and "bytes" not in block["image"]["source"]:
                raise _aws_error(400, "ValidationException", "image source must be bytes")
            if "toolUse" in block and not isinstance(block["toolUse"].get("input"), dict):
                raise _aws_error(400, "ValidationException", "toolUse.input must be an object")
            uses_tools = uses_tools or "toolUse" in block or "toolResult" in block
        if role == "user":
            previous = messages[position - 1]["content"] if position else []
            ids = {b["toolUse"]["toolUseId"] for b in previous if "toolUse" in b}
            for block in message["content"]:
                if "toolResult" in block and block["toolResult"]["toolUseId"] not in ids:
                    raise _aws_error(400, "ValidationException", "toolResult without toolUse")
    if uses_tools and not body.get("toolConfig"):
        raise _aws_error(
            400,
            "ValidationException",
            "The toolConfig field must be defined when using toolUse and toolResult content "
            "blocks.",
        )


class BedrockFake(ProviderFake):
    fixture_dir = "bedrock"
    stream_content_type = "application/vnd.amazon.eventstream"

    def __init__(self, access_key: str, secret_key: str, region: str) -> None:
        self.access_key, self.secret_key, self.region = access_key, secret_key, region

    def read_embed_call(self, request: FakeRequest) -> EmbedCall | None:
        """InvokeModel with an embedding model's body: Titan (one text) or Cohere (texts)."""
        parts = request.path.split("/")
        if len(parts) != 4 or parts[1] != "model" or parts[3] != "invoke":
            return None
        problem = verify_sigv4(request, self.access_key, self.secret_key, self.region, "bedrock")
        if problem:
            raise _aws_error(403, "InvalidSignatureException", problem)
        model, body = unquote(parts[2]), json.loads(request.body)
        if "cohere.embed" in model:
            if not body.get("texts") or not body.get("input_type"):
                raise _aws_error(400, "ValidationException", "texts and input_type required")
            return EmbedCall(model, body["texts"], body.get("output_dimension"))
        if not isinstance(body.get("inputText"), str) or set(body) - {"inputText", "dimensions"}:
            raise _aws_error(400, "ValidationException", "Malformed input request")
        return EmbedCall(model, [body["inputText"]], body.get("dimensions"))

    def embedding_body(
        self, call: EmbedCall, vectors: list[list[float]], prompt_tokens: int
    ) -> Any:
        if "cohere.embed" in call.model:
            return {"id": "fake", "embeddings": {"float": vectors}, "texts": call.inputs}
        return {"embedding": vectors[0], "inputTextTokenCount": prompt_tokens}

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
        _check_blocks(messages, body)
        users = [_text(m["content"]) for m in messages if m["role"] == "user"]
        words = sum(len(_text(m["content"]).split()) for m in messages)
        words += sum(len(s["text"].split()) for s in body.get("system", []))
        last = messages[-1]["content"]
        results = [b["toolResult"] for b in last if "toolResult" in b]
        ends_with_result = bool(results) and not _text(last)
        text = users[-1]
        if ends_with_result:
            content = results[-1]["content"][0]
            text = json.dumps(content["json"]) if "json" in content else content["text"]
        tools = tuple(
            t["toolSpec"]["name"] for t in (body.get("toolConfig") or {}).get("tools", ())
        )
        stream = parts[3] == "converse-stream"
        return Call(unquote(parts[2]), stream, text, words, tools, ends_with_result)

    def tool_call_unary(
        self, name: str, arguments: str, prompt_tokens: int, completion_tokens: int
    ) -> Any:
        body = self.unary_body("", prompt_tokens, completion_tokens)
        use = {"toolUseId": "tooluse_fake01", "name": name, "input": json.loads(arguments)}
        body["output"]["message"]["content"] = [{"toolUse": use}]
        body["stopReason"] = "tool_use"
        return body

    def tool_call_stream(
        self, name: str, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        start = {"toolUse": {"toolUseId": "tooluse_fake02", "name": name}}
        items: list[dict[str, Any]] = [
            {"event": "messageStart", "payload": {"role": "assistant"}},
            {"event": "contentBlockStart", "payload": {"contentBlockIndex": 0, "start": start}},
        ]
        items += [
            {
                "event": "contentBlockDelta",
                "payload": {"contentBlockIndex": 0, "delta": {"toolUse": {"input": p}}},
            }
            for p in pieces
        ]
        items.append({"event": "contentBlockStop", "payload": {"contentBlockIndex": 0}})
        items.append({"event": "messageStop", "payload": {"stopReason": "tool_use"}})
        usage = self.unary_body("", prompt_tokens, completion_tokens)["usage"]
        items.append({"event": "metadata", "payload": {"usage": usage}})
        return frames_from_fixture(items)

    def recorded_tool_stream(self) -> list[bytes]:
        data = b"".join(frames_from_fixture(self.fixture_json("tool_call_stream.json")))
        return [data[i : i + 31] for i in range(0, len(data), 31)]

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
