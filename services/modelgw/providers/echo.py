"""The `echo` backend: answers with exactly the last user message it received.

It exists so a new user sees the whole flow without any model: the answer is
the masked prompt, restored on the way back. Usage counts whitespace-separated
words, which is honest about not being a tokenizer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from modelgw.common.config.providers import EchoProvider
from modelgw.common.messages import FinishReason, Role, Usage
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk


def _answer(request: BackendRequest) -> str:
    for message in reversed(request.messages):
        if message.role is Role.USER:
            return message.content
    return ""


def _words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


class EchoBackend:
    provider_type = "echo"

    def __init__(self, name: str, config: EchoProvider) -> None:
        self.name = name
        self.locality = config.locality
        self._chunk_chars = config.chunk_chars

    def _usage(self, request: BackendRequest, answer: str) -> Usage:
        return Usage(
            prompt_tokens=_words([m.content for m in request.messages]),
            completion_tokens=_words([answer]),
        )

    async def generate(self, request: BackendRequest) -> BackendResponse:
        answer = _answer(request)
        return BackendResponse(answer, FinishReason.STOP, self._usage(request, answer))

    async def stream(self, request: BackendRequest) -> AsyncIterator[StreamChunk]:
        answer = _answer(request)
        for start in range(0, len(answer), self._chunk_chars):
            yield StreamChunk(delta=answer[start : start + self._chunk_chars])
        yield StreamChunk(finish_reason=FinishReason.STOP, usage=self._usage(request, answer))

    async def close(self) -> None:
        return None
