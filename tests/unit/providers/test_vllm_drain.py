"""A `vllm` stream whose caller is busy gets the replies that came meanwhile as one chunk.

The worker is the scripted `FakeEngine` on a real port, sending a reply per
token as fast as it can; the caller stops reading for a moment after the first
chunk (as a gateway busy with other streams does). Without the read-ahead the
caller would then work through a chunk per token; with it, what came in while
it was away is one chunk, and the text, the usage and the ending are the same.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import grpc
import pytest

from modelgw.common.config.providers import VllmProvider
from modelgw.common.errors import BackendError
from modelgw.common.messages import ChatMessage, FinishReason, GenerationParams, Role
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.providers.vllm.backend import VllmBackend
from tests.vllm_support.fake_engine import Behaviour, fake_engine

ANSWER = "The quick brown fox jumps over the lazy dog. " * 8


def _request() -> BackendRequest:
    return BackendRequest(
        model="tiny",
        messages=[ChatMessage(Role.USER, "Say it.")],
        params=GenerationParams(),
        request_id=uuid.uuid4().hex,
    )


async def _read(backend: VllmBackend, pause_s: float) -> list[StreamChunk]:
    chunks: list[StreamChunk] = []
    async for chunk in backend.stream(_request()):
        chunks.append(chunk)
        if len(chunks) == 1:
            await asyncio.sleep(pause_s)  # busy elsewhere: the worker's replies pile up
    return chunks


async def test_replies_that_came_while_the_caller_was_busy_are_one_chunk(tmp_path: Path) -> None:
    async with fake_engine(tmp_path, answer=ANSWER) as worker:
        backend = VllmBackend("local", VllmProvider(type="vllm", workers=[worker.address]))
        try:
            tokens = len(worker.engine.answer_ids())
            chunks = await _read(backend, pause_s=0.5)
        finally:
            await backend.close()
    texts = [c.delta for c in chunks if c.delta]
    assert "".join(texts) == ANSWER
    assert len(texts) <= 3, f"{len(texts)} text chunks for {tokens} tokens: not merged"
    assert tokens > 20  # so that one chunk per token could not pass the bound above
    assert chunks[-1].finish_reason is FinishReason.STOP
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == tokens


async def test_an_idle_caller_still_gets_a_chunk_per_reply(tmp_path: Path) -> None:
    """Merging only happens when the caller was away: a paced stream is not held back."""
    async with fake_engine(tmp_path, answer=ANSWER, token_delay_s=0.01) as worker:
        backend = VllmBackend("local", VllmProvider(type="vllm", workers=[worker.address]))
        try:
            tokens = len(worker.engine.answer_ids())
            chunks = await _read(backend, pause_s=0)
        finally:
            await backend.close()
    texts = [c.delta for c in chunks if c.delta]
    assert "".join(texts) == ANSWER
    assert len(texts) >= tokens // 2, f"{len(texts)} text chunks for {tokens} tokens"


async def test_a_failure_after_some_replies_comes_after_their_text(tmp_path: Path) -> None:
    async with fake_engine(tmp_path, answer=ANSWER, behaviour=Behaviour.DIE_MID_STREAM) as worker:
        backend = VllmBackend("local", VllmProvider(type="vllm", workers=[worker.address]))
        texts: list[str] = []
        try:
            with pytest.raises(BackendError) as caught:
                async for chunk in backend.stream(_request()):
                    texts.append(chunk.delta)
        finally:
            await backend.close()
    assert caught.value.code is grpc.StatusCode.UNAVAILABLE
    assert ANSWER.startswith("".join(texts)) and len("".join(texts)) > len(ANSWER) // 4
