"""The one conformance suite every provider adapter runs against its wire-format fake.

Unary and streaming answers from recorded fixtures, translation of the
conversation and parameters, recorded error bodies and rate-limit headers
mapped to gRPC status and retry hints, errors inside a stream, timeouts from
the backend limit and from the caller's deadline, cancellation reaching the
upstream connection, and usage accounting.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from modelgw.common.messages import ChatMessage, FinishReason, GenerationParams, Role, Usage
from modelgw.providers.base import BackendRequest, StreamChunk
from modelgw.providers.transport.errors import ProviderError
from tests.conformance.conftest import Harness
from tests.conformance.spec import RECORDED_TEXT

pytestmark = pytest.mark.timeout(60)


def _request(model: str, text: str = "Say hello.", **kwargs) -> BackendRequest:
    return BackendRequest(
        model=model,
        messages=[ChatMessage(Role.USER, text)],
        params=kwargs.pop("params", GenerationParams()),
        request_id="conformance-1",
        **kwargs,
    )


async def _collect(backend, request: BackendRequest) -> list[StreamChunk]:
    return [chunk async for chunk in backend.stream(request)]


def _final(chunks: list[StreamChunk]) -> tuple[FinishReason | None, Usage | None]:
    finish = next((c.finish_reason for c in reversed(chunks) if c.finish_reason), None)
    usage = next((c.usage for c in reversed(chunks) if c.usage), None)
    return finish, usage


# -- answers ------------------------------------------------------------------------------
async def test_unary_recorded_answer(harness: Harness) -> None:
    async with harness.backend() as backend:
        response = await backend.generate(_request("recorded"))
    assert response.text == RECORDED_TEXT
    assert response.finish_reason is FinishReason.STOP
    assert response.usage == harness.spec.recorded_usage
    assert len(harness.model_requests()) == 1


async def test_stream_recorded_answer(harness: Harness) -> None:
    async with harness.backend() as backend:
        chunks = await _collect(backend, _request("recorded"))
    deltas = [c.delta for c in chunks if c.delta]
    assert "".join(deltas) == RECORDED_TEXT
    assert len(deltas) > 1, "a streamed answer arrives in pieces"
    assert _final(chunks) == (FinishReason.STOP, harness.spec.recorded_usage)
    assert chunks[-1].finish_reason is FinishReason.STOP, "the last chunk closes the answer"


async def test_conversation_and_parameters_on_the_wire(harness: Harness) -> None:
    """System prompt, earlier turns and parameters reach the provider in its own shape."""
    request = BackendRequest(
        model="echo",
        messages=[
            ChatMessage(Role.SYSTEM, "You are terse."),
            ChatMessage(Role.USER, "First question"),
            ChatMessage(Role.ASSISTANT, "First answer"),
            ChatMessage(Role.USER, "Repeat after me: the tide is high"),
        ],
        params=GenerationParams(max_tokens=64, temperature=0.25, stop=("END",)),
        request_id="conformance-2",
    )
    async with harness.backend() as backend:
        response = await backend.generate(request)
        streamed = await _collect(backend, request)
    assert response.text == "Repeat after me: the tide is high"
    assert "".join(c.delta for c in streamed) == response.text
    for sent in harness.model_requests():
        params = harness.spec.sent_params(sent)
        assert (params.max_tokens, params.temperature, params.stop) == (64, 0.25, ["END"])
        assert b"You are terse." in sent.body and b"First answer" in sent.body


async def test_credentials_come_from_config(harness: Harness) -> None:
    async with harness.backend() as backend:
        await backend.generate(_request("recorded"))
    name, prefix = harness.spec.credential_header
    sent = harness.model_requests()[0]
    assert sent.headers.get(name, "").startswith(prefix), sent.headers


# -- errors -------------------------------------------------------------------------------
async def test_recorded_errors_map_to_status_and_retry_hint(harness: Harness) -> None:
    async with harness.backend() as backend:
        for case in harness.spec.errors:
            for streamed in (False, True):
                request = _request(f"error-{case.fixture}")
                with pytest.raises(ProviderError) as caught:
                    if streamed:
                        await _collect(backend, request)
                    else:
                        await backend.generate(request)
                error = caught.value
                where = f"{case.fixture} (streamed={streamed}): {error.message}"
                assert error.code == case.code, where
                assert error.retryable is case.retryable, where
                if case.retry_after_s is None:
                    assert error.retry_after_s is None, where
                else:
                    assert error.retry_after_s == pytest.approx(case.retry_after_s, abs=0.01), where
                assert harness.spec.id in error.message and "HTTP" in error.message
                if error.upstream_status in {401, 403}:
                    assert "key" not in error.message.lower(), "no credential text passed on"


async def test_error_inside_a_stream(harness: Harness) -> None:
    received: list[StreamChunk] = []
    async with harness.backend() as backend:
        with pytest.raises(ProviderError) as caught:
            async for chunk in backend.stream(_request("midstream-error")):
                received.append(chunk)
    expected = harness.spec.stream_error
    assert caught.value.code == expected.code, caught.value.message
    assert caught.value.retryable is expected.retryable
    assert any(c.delta for c in received), "text before the error was delivered"
    assert all(c.finish_reason is None for c in received), "a failed stream never looks finished"


async def test_stream_cut_before_its_end_is_an_error(harness: Harness) -> None:
    async with harness.backend() as backend:
        with pytest.raises(ProviderError) as caught:
            await _collect(backend, _request("truncated"))
    assert caught.value.retryable


# -- time -----------------------------------------------------------------------------------
async def test_backend_timeout(harness: Harness) -> None:
    async with harness.backend(timeout_s=0.5) as backend:
        for streamed in (False, True):
            started = time.monotonic()
            with pytest.raises(ProviderError) as caught:
                if streamed:
                    await _collect(backend, _request("stall"))
                else:
                    await backend.generate(_request("stall"))
            assert caught.value.code.name == "DEADLINE_EXCEEDED"
            assert caught.value.retryable, "the caller still has time: another backend may answer"
            assert time.monotonic() - started < 3


async def test_stream_that_goes_quiet_times_out(harness: Harness) -> None:
    async with harness.backend(timeout_s=0.8) as backend:
        with pytest.raises(ProviderError) as caught:
            await _collect(backend, _request("stall-stream"))
    assert caught.value.code.name == "DEADLINE_EXCEEDED"


async def test_caller_deadline_bounds_the_call(harness: Harness) -> None:
    async with harness.backend(timeout_s=60) as backend:
        started = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            await backend.generate(_request("stall", deadline=time.monotonic() + 0.4))
        assert time.monotonic() - started < 3
        assert caught.value.code.name == "DEADLINE_EXCEEDED"
        assert not caught.value.retryable, "the caller has given up: no point retrying"

        before = len(harness.model_requests())
        with pytest.raises(ProviderError):
            await backend.generate(_request("recorded", deadline=time.monotonic() - 1))
        assert len(harness.model_requests()) == before, "an expired request is never sent"


# -- cancellation -----------------------------------------------------------------------------
async def test_cancelled_stream_closes_the_upstream_connection(harness: Harness) -> None:
    async with harness.backend() as backend:
        first = asyncio.Event()

        async def consume() -> None:
            async for chunk in backend.stream(_request("stall-stream")):
                if chunk.delta or chunk.finish_reason is None:
                    first.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(_model_request_seen(harness), 5)
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await harness.server.wait_for_hangup(5)
    assert harness.server.hangups == 1


async def test_cancelled_unary_call_closes_the_upstream_connection(harness: Harness) -> None:
    async with harness.backend() as backend:
        task = asyncio.create_task(backend.generate(_request("stall")))
        await asyncio.wait_for(_model_request_seen(harness), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await harness.server.wait_for_hangup(5)


async def _model_request_seen(harness: Harness) -> None:
    await harness.server.request_seen.wait()


# -- usage --------------------------------------------------------------------------------------
async def test_usage_accounting(harness: Harness) -> None:
    """The fake counts words as tokens; the adapter must report exactly what it was told."""
    text = "one two three four five six seven"
    async with harness.backend() as backend:
        response = await backend.generate(_request("echo", text))
        chunks = await _collect(backend, _request("echo", text))
    assert response.usage.completion_tokens == 7
    assert response.usage.prompt_tokens >= 7
    assert _final(chunks)[1] == response.usage
    assert "".join(c.delta for c in chunks) == text
