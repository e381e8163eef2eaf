"""Hugging Face TGI's native `generate` dialect (`inputs` + `parameters`), as SageMaker hosts it.

TGI takes one prompt string, so the conversation is rendered as plain
`role: text` lines ending with `assistant:`; containers with a chat template
should use the `openai_chat` dialect instead. Prompt tokens are reported only
when TGI returns prefill details.
"""

from __future__ import annotations

import json
from typing import Any

from modelgw.common.messages import FinishReason, Usage
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from modelgw.providers.transport.errors import early_end, stream_error
from modelgw.providers.transport.sse import SseDecoder

_FINISH = {
    "length": FinishReason.LENGTH,
    "eos_token": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
}


def render_prompt(request: BackendRequest) -> str:
    lines = [f"{m.role.value}: {m.content}" for m in request.messages]
    return "\n".join([*lines, "assistant:"])


def tgi_body(request: BackendRequest, *, stream: bool) -> dict[str, Any]:
    p = request.params
    params: dict[str, Any] = {"details": True, "return_full_text": False}
    optional = {
        "max_new_tokens": p.max_tokens,
        "temperature": p.temperature,
        "top_p": p.top_p,
        "seed": p.seed,
    }
    params.update({k: v for k, v in optional.items() if v is not None})
    if p.stop:
        params["stop"] = list(p.stop)
    body: dict[str, Any] = {"inputs": render_prompt(request), "parameters": params}
    if stream:
        body["stream"] = True
    return body


def _finish(details: dict[str, Any]) -> FinishReason:
    return _FINISH.get(details.get("finish_reason") or "eos_token", FinishReason.STOP)


def _usage(details: Any) -> Usage:
    if not isinstance(details, dict):
        return Usage()
    prefill = details.get("prefill")  # unary, with decoder_input_details
    prompt = len(prefill) if isinstance(prefill, list) else int(details.get("input_length") or 0)
    return Usage(prompt, int(details.get("generated_tokens") or 0))


def parse_tgi_response(data: Any) -> BackendResponse:
    item = data[0] if isinstance(data, list) else data
    details = item.get("details") or {}
    return BackendResponse(item["generated_text"], _finish(details), _usage(details))


class TgiStreamDecoder:
    """`data:{"token": {...}, "generated_text": null|str, "details": null|{...}}` per token."""

    def __init__(self, backend: str, provider: str) -> None:
        self._backend, self._provider = backend, provider
        self._sse = SseDecoder()
        self._done = False

    def feed(self, data: bytes) -> list[StreamChunk]:
        return self._handle(self._sse.feed(data))

    def finish(self) -> list[StreamChunk]:
        chunks = self._handle(self._sse.finish())
        if not self._done:
            raise early_end(self._backend, self._provider, "no final token")
        return chunks

    def _handle(self, events: list[Any]) -> list[StreamChunk]:
        chunks: list[StreamChunk] = []
        for event in events:
            data = json.loads(event.data)
            if "error" in data:
                raise stream_error(
                    self._backend,
                    self._provider,
                    str(data.get("error_type") or "error"),
                    503,
                )
            token = data.get("token") or {}
            if token.get("text") and not token.get("special"):
                chunks.append(StreamChunk(delta=token["text"]))
            if data.get("generated_text") is not None:
                details = data.get("details") or {}
                self._done = True
                chunks.append(StreamChunk(finish_reason=_finish(details), usage=_usage(details)))
        return chunks
