"""What every provider fake shares: scenario dispatch and recorded fixtures.

The model name a test asks for picks the scenario, so one fake serves every
conformance case: `recorded` replays the recorded answer, `echo` answers with
the last user message (in the provider's wire format), `error-NAME` returns
the recorded error `errors/NAME.json` (status, headers, body), `recorded-tools`
replays the recorded tool-call answer (`tool_call.json`, `tool_call_stream.*`),
`stall` never answers, `stall-stream` starts a stream and goes quiet, `midstream-error`
replays the recorded stream that fails half-way, `truncated` cuts the
recorded stream before its end marker.

Function calling (#16), for fakes whose provider has it: `echo` offered tools
(and not at the end of a tool result) answers with a call of the first tool
whose arguments are `{"query": <the last user text>}`, streamed in small
pieces so placeholders straddle deltas; a conversation that ends with a tool
result is answered with that result's text.

A request that breaks the provider's wire contract (missing credential,
malformed body) is answered the way the provider would: with an error, so a
conformance test that expects success fails.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.server import FakeRequest, FakeResponse, paced, stall_after

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "providers"
ECHO_PIECE = 5
"""Echoed answers are streamed in pieces this long, so placeholders straddle chunks."""


@dataclass(frozen=True)
class Call:
    """What a fake read from one request."""

    model: str
    stream: bool
    last_user_text: str
    """The last user message's text; the tool result's, when the conversation ends with one."""
    prompt_words: int
    tools: tuple[str, ...] = ()
    """Names of the functions the request offers."""
    ends_with_tool_result: bool = False

    @property
    def calls_tool(self) -> bool:
        return bool(self.tools) and not self.ends_with_tool_result


@dataclass(frozen=True)
class EmbedCall:
    """What a fake read from one embeddings request."""

    model: str
    inputs: list[str]
    dimensions: int | None = None


class WireError(Exception):
    """The request broke the provider's wire format; carries the provider-style answer."""

    def __init__(self, response: FakeResponse) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> FakeResponse:
    return FakeResponse(
        status, {"content-type": "application/json", **(headers or {})}, json.dumps(body).encode()
    )


def split_bytes(data: bytes, size: int = 37) -> list[bytes]:
    """Cut a recorded stream at arbitrary byte offsets, as a network would."""
    return [data[i : i + size] for i in range(0, len(data), size)]


def echo_pieces(text: str) -> list[str]:
    return [text[i : i + ECHO_PIECE] for i in range(0, len(text), ECHO_PIECE)] or [""]


class ProviderFake(ABC):
    fixture_dir: str
    stream_content_type = "text/event-stream"

    def fixture(self, name: str) -> bytes:
        return (FIXTURES / self.fixture_dir / name).read_bytes()

    def fixture_json(self, name: str) -> Any:
        return json.loads(self.fixture(name))

    # -- what a provider fake declares ----------------------------------------------
    @abstractmethod
    def read_call(self, request: FakeRequest) -> Call:
        """Validate the request against the wire format (raise WireError) and read it."""

    @abstractmethod
    def unary_body(self, text: str, prompt_tokens: int, completion_tokens: int) -> Any: ...

    @abstractmethod
    def stream_bytes(
        self, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        """The wire bytes of a streamed answer made of these text pieces."""

    @abstractmethod
    def recorded_stream(self) -> list[bytes]: ...

    @abstractmethod
    def recorded_unary(self) -> Any: ...

    @abstractmethod
    def midstream_error(self) -> list[bytes]: ...

    # -- function calling, for fakes whose provider has it ---------------------------
    def tool_call_unary(
        self, name: str, arguments: str, prompt_tokens: int, completion_tokens: int
    ) -> Any:
        raise AssertionError(f"{type(self).__name__} has no function calling")

    def tool_call_stream(
        self, name: str, pieces: list[str], prompt_tokens: int, completion_tokens: int
    ) -> list[bytes]:
        raise AssertionError(f"{type(self).__name__} has no function calling")

    def recorded_tool_unary(self) -> Any:
        return self.fixture_json("tool_call.json")

    def recorded_tool_stream(self) -> list[bytes]:
        raise AssertionError(f"{type(self).__name__} has no recorded tool-call stream")

    # -- embeddings, for fakes whose provider serves them ----------------------------
    def read_embed_call(self, request: FakeRequest) -> EmbedCall | None:
        """An embeddings request (validated like `read_call`), or None: not one."""
        return None

    def embedding_body(
        self, call: EmbedCall, vectors: list[list[float]], prompt_tokens: int
    ) -> Any:
        raise AssertionError(f"{type(self).__name__} has no embeddings")

    def _embed(self, call: EmbedCall) -> FakeResponse:
        from modelgw.providers.echo import echo_vector

        if call.model.startswith("error-"):
            return self._error(call.model)
        if call.model == "recorded":
            return json_response(self.recorded_embedding(call))
        vectors = [echo_vector(text, call.dimensions or 8) for text in call.inputs]
        return json_response(
            self.embedding_body(call, vectors, sum(len(t.split()) for t in call.inputs))
        )

    def recorded_embedding(self, call: EmbedCall) -> Any:
        return self.fixture_json("embedding.json")

    def _error(self, model: str) -> FakeResponse:
        case = self.fixture_json(f"errors/{model.removeprefix('error-')}.json")
        body = case["body"]
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        return FakeResponse(case["status"], case.get("headers", {}), raw)

    def truncated_stream(self) -> list[bytes]:
        """The recorded stream without its end: by default the last half."""
        pieces = self.recorded_stream()
        return pieces[: max(1, len(pieces) // 2)]

    # -- dispatch ----------------------------------------------------------------------
    def _stream(self, pieces: Any) -> FakeResponse:
        return FakeResponse(200, {"content-type": self.stream_content_type}, stream=pieces)

    async def __call__(self, request: FakeRequest) -> FakeResponse:
        try:
            embed = self.read_embed_call(request)
            if embed is not None:
                return self._embed(embed)
            call = self.read_call(request)
        except WireError as exc:
            return exc.response
        model = call.model
        if model.startswith("error-"):
            return self._error(model)
        if model == "stall":
            return FakeResponse(delay_s=60.0)
        if model == "echo" and call.calls_tool:
            arguments = json.dumps({"query": call.last_user_text})
            completion = len(arguments.split())
            if call.stream:
                pieces = echo_pieces(arguments)
                return self._stream(
                    paced(
                        self.tool_call_stream(call.tools[0], pieces, call.prompt_words, completion)
                    )
                )
            return json_response(
                self.tool_call_unary(call.tools[0], arguments, call.prompt_words, completion)
            )
        if model == "recorded-tools":
            if call.stream:
                return self._stream(paced(self.recorded_tool_stream()))
            return json_response(self.recorded_tool_unary())
        if model == "echo":
            text = call.last_user_text
            completion = len(text.split())
            if call.stream:
                return self._stream(
                    paced(self.stream_bytes(echo_pieces(text), call.prompt_words, completion))
                )
            return json_response(self.unary_body(text, call.prompt_words, completion))
        if not call.stream:
            return json_response(self.recorded_unary())
        if model == "recorded":
            return self._stream(paced(self.recorded_stream()))
        if model == "stall-stream":
            return self._stream(stall_after(self.recorded_stream()[:1], 60.0))
        if model == "midstream-error":
            return self._stream(paced(self.midstream_error()))
        if model == "truncated":
            return self._stream(paced(self.truncated_stream()))
        raise AssertionError(f"fake has no scenario {model!r}")
