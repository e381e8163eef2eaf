"""The pipeline's promise, port by port: one audit record per request, and its quota
reservation settled, whatever ends the request.

Refusals before admission (no `user` role, malformed, unknown model, audit log
full) leave no record; everything after leaves exactly one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time

import anyio
import grpc
import pytest

from modelgw.audit.crypto import RawContent
from modelgw.audit.records import AuditRecord
from modelgw.common.config.providers import Locality
from modelgw.common.errors import (
    BackendError,
    InvalidArgument,
    ModelgwError,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    ResourceExhausted,
)
from modelgw.common.messages import FinishReason
from modelgw.gateway.chat import StreamDelta, StreamEnd, StreamStart
from tests.configs import merged
from tests.unit.gateway.fakes import (
    PipelineUnderTest,
    ScriptedBackend,
    chat,
    pipeline_under_test,
    streamed_text,
)

EMAIL = "alice@example.com"
PROMPT = f"Please write to {EMAIL} about the invoice"
QUOTAS = {"tenants": {"dev": {"quotas": {"requests_per_minute": 5, "tokens_per_day": 10_000}}}}


def metered(*backends: ScriptedBackend, **changes: object) -> PipelineUnderTest:
    """`backends` for model `chat`, tenant `dev` with quotas, the email found as personal data."""
    return pipeline_under_test(backends, merged(QUOTAS, changes), values={EMAIL: "EMAIL_ADDRESS"})


def unavailable() -> BackendError:
    return BackendError("down", code=grpc.StatusCode.UNAVAILABLE, retryable=True)


# -- answered -----------------------------------------------------------------------------
async def test_an_answer_leaves_one_record_and_charges_what_it_used() -> None:
    run = metered(ScriptedBackend("onprem"))
    result = await run.ask(PROMPT)

    assert result.text == PROMPT  # restored for the caller
    record = run.audit.only()
    assert record.status == "OK" and record.error == ""
    assert record.request_id == result.request_id and record.backend == "onprem"
    assert EMAIL not in record.masked_response and "<EMAIL_ADDRESS_1>" in record.masked_response
    assert not record.streamed
    used = result.usage.prompt_tokens + result.usage.completion_tokens
    assert run.quotas.settled == [used]
    assert run.quotas.used("requests_per_minute") == 1
    assert run.quotas.used("tokens_per_day") == used


async def test_a_streamed_answer_leaves_one_record() -> None:
    run = metered(ScriptedBackend("onprem"))
    events = await run.ask_streamed(PROMPT)

    assert isinstance(events[0], StreamStart) and isinstance(events[-1], StreamEnd)
    assert streamed_text(events) == PROMPT
    record = run.audit.only()
    assert record.status == "OK" and record.streamed
    assert record.request_id == events[0].request_id
    assert len(run.quotas.settled) == 1 and run.quotas.settled[0]
    assert run.backends["onprem"].streams_closed == 1
    assert all(s.closed for s in run.trust.scanners)


# -- refused after admission --------------------------------------------------------------
async def test_a_model_the_tenant_may_not_use_is_recorded_and_holds_no_quota() -> None:
    run = metered(ScriptedBackend("onprem"), tenants={"dev": {"allowed_models": ["echo"]}})
    with pytest.raises(PermissionDenied, match="may not use model 'chat'"):
        await run.ask(PROMPT)

    record = run.audit.only()
    assert record.status == "PERMISSION_DENIED" and record.model == "chat"
    assert record.masked_prompt == () and record.backend == ""
    assert run.trust.calls == [] and run.backends["onprem"].received == []
    assert run.quotas.used("requests_per_minute") == 0


async def test_a_quota_refusal_is_recorded_and_reaches_no_backend() -> None:
    run = metered(
        ScriptedBackend("onprem"), tenants={"dev": {"quotas": {"requests_per_minute": 1}}}
    )
    await run.ask("first")
    with pytest.raises(QuotaExceeded, match="requests_per_minute"):
        await run.ask("second")

    first, refused = run.audit.records
    assert first.status == "OK"
    assert refused.status == "RESOURCE_EXHAUSTED" and "requests_per_minute" in refused.error
    assert len(run.backends["onprem"].received) == 1
    assert len(run.trust.calls) == 1  # the refused request never reached the trust layer
    assert run.quotas.used("requests_per_minute") == 1


@pytest.mark.parametrize("streamed", [False, True], ids=["unary", "stream"])
async def test_a_prompt_the_policy_blocks_is_recorded_and_gives_its_reservation_back(
    streamed: bool,
) -> None:
    run = metered(
        ScriptedBackend("onprem"),
        tenants={"dev": {"entity_policy": {"local": {"EMAIL_ADDRESS": "block"}}}},
    )
    with pytest.raises(PermissionDenied, match="EMAIL_ADDRESS"):
        if streamed:
            await run.ask_streamed(PROMPT)
        else:
            await run.ask(PROMPT)

    record = run.audit.only()
    assert record.status == "PERMISSION_DENIED" and "EMAIL_ADDRESS" in record.error
    assert EMAIL not in record.error and record.streamed is streamed
    assert run.backends["onprem"].received == []
    assert run.quotas.settled == [None]  # no backend answered: all of it given back
    assert run.quotas.used("requests_per_minute") == 0
    assert run.quotas.used("tokens_per_day") == 0


async def test_a_sensitivity_rule_that_blocks_is_recorded() -> None:
    rule = {"name": "no-mail", "entities": ["EMAIL_ADDRESS"], "action": "block"}
    run = metered(ScriptedBackend("onprem"), tenants={"dev": {"routing_rules": [rule]}})
    with pytest.raises(PermissionDenied, match="no-mail"):
        await run.ask(PROMPT)

    assert run.audit.only().status == "PERMISSION_DENIED"
    assert run.backends["onprem"].received == []
    assert run.quotas.settled == [None]


# -- failed -------------------------------------------------------------------------------
async def test_a_backend_failure_is_recorded_and_gives_the_reservation_back() -> None:
    onprem = ScriptedBackend("onprem")
    onprem.fail = BackendError("refused", code=grpc.StatusCode.INVALID_ARGUMENT, retryable=False)
    run = metered(onprem)
    with pytest.raises(BackendError):
        await run.ask(PROMPT)

    record = run.audit.only()
    assert record.status == "INVALID_ARGUMENT" and record.backend == "onprem"
    assert "<EMAIL_ADDRESS_1>" in record.masked_prompt[0].content  # what was sent
    assert run.quotas.settled == [None]
    assert run.quotas.used("requests_per_minute") == 0


async def test_every_backend_down_is_one_record() -> None:
    first, second = ScriptedBackend("a"), ScriptedBackend("b")
    first.fail = second.fail = unavailable()
    run = metered(first, second)
    with pytest.raises(BackendError):
        await run.ask(PROMPT)

    assert run.audit.only().status == "UNAVAILABLE"
    assert len(first.received) == 2 and len(second.received) == 1  # retried, fell back
    assert run.quotas.settled == [None]


@pytest.mark.parametrize("streamed", [False, True], ids=["unary", "stream"])
async def test_a_backend_raising_an_unexpected_error_is_recorded_as_internal(
    streamed: bool,
) -> None:
    onprem = ScriptedBackend("onprem")
    onprem.fail = RuntimeError("a bug, not a backend status")
    run = metered(onprem)
    with pytest.raises(RuntimeError):
        if streamed:
            await run.ask_streamed(PROMPT)
        else:
            await run.ask(PROMPT)

    record = run.audit.only()
    assert record.status == "INTERNAL" and record.error == "internal error (RuntimeError)"
    assert "a bug" not in record.error  # the message may hold anything: not recorded
    assert run.quotas.settled == [None]
    assert run.quotas.used("requests_per_minute") == 0


async def test_a_trust_layer_raising_an_unexpected_error_is_recorded_as_internal() -> None:
    run = metered(ScriptedBackend("onprem"))
    run.trust.fail = KeyError("a bug in detection")
    with pytest.raises(KeyError):
        await run.ask(PROMPT)

    record = run.audit.only()
    assert record.status == "INTERNAL" and record.masked_prompt == ()
    assert run.quotas.settled == [None]
    assert run.backends["onprem"].received == []


async def test_a_stream_that_fails_after_its_first_chunk_is_recorded_and_charged() -> None:
    onprem = ScriptedBackend("onprem")
    onprem.fail_after_first = RuntimeError("the connection handler broke")
    run = metered(onprem)
    stream = await run.pipeline.generate_stream(run.caller(), chat(PROMPT))
    with pytest.raises(RuntimeError):
        async with contextlib.aclosing(stream):
            async for _ in stream:
                pass

    record = run.audit.only()
    assert record.status == "INTERNAL" and record.streamed
    assert record.masked_response  # part of the answer was sent: it is recorded ...
    (charged,) = run.quotas.settled
    assert charged is not None and charged > 0  # ... and charged, not given back
    assert onprem.streams_closed == 1


# -- ended by the caller or the gateway ---------------------------------------------------
async def _reading(run: PipelineUnderTest) -> asyncio.Task[None]:
    """A caller reading the stream in a task, once the answer's first text has arrived."""
    first_text = asyncio.Event()
    stream = await run.pipeline.generate_stream(run.caller(), chat(PROMPT))

    async def read() -> None:
        async with contextlib.aclosing(stream):
            async for event in stream:
                if isinstance(event, StreamDelta):
                    first_text.set()

    task = asyncio.create_task(read())
    await asyncio.wait_for(first_text.wait(), 10)
    return task


async def test_a_caller_that_goes_away_mid_stream_is_recorded_as_cancelled() -> None:
    onprem = ScriptedBackend("onprem")
    onprem.hold_after_first = asyncio.Event()
    run = metered(onprem)
    reader = await _reading(run)
    reader.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reader

    record = run.audit.only()
    assert record.status == "CANCELLED" and "client went away" in record.error
    assert onprem.streams_closed == 1  # the backend's stream is closed, not left running
    assert len(run.quotas.settled) == 1


async def test_a_stream_closed_before_it_was_read_is_recorded_as_cancelled() -> None:
    onprem = ScriptedBackend("onprem")
    run = metered(onprem)
    stream = await run.pipeline.generate_stream(run.caller(), chat(PROMPT))
    await stream.aclose()  # e.g. the HTTP client left before the response started

    record = run.audit.only()
    assert record.status == "CANCELLED" and record.backend == "onprem"
    assert onprem.streams_closed == 1
    assert run.quotas.settled == [None]  # nothing reached the caller: given back
    assert run.quotas.used("requests_per_minute") == 0


async def test_closing_the_pipeline_records_an_open_stream_once_as_shut_down() -> None:
    onprem = ScriptedBackend("onprem")
    onprem.hold_after_first = asyncio.Event()
    run = metered(onprem)
    reader = await _reading(run)

    await run.pipeline.close()
    record = run.audit.only()
    assert record.status == "CANCELLED" and "shut down" in record.error
    assert len(run.quotas.settled) == 1

    onprem.hold_after_first.set()  # the stream then ends on its own: no second record
    await asyncio.wait_for(reader, 10)
    assert run.audit.only() is record
    assert len(run.quotas.settled) == 1


async def test_closing_the_pipeline_waits_for_a_record_an_abandoned_request_is_writing() -> None:
    """Under Starlette a streamed response runs in an anyio task group, whose cancellation
    comes back at every await: the request's shielded record write is left running on its
    own. uvicorn cancels such requests at the end of the grace period and returns without
    waiting; the audit sink closes right after `close`, so `close` must wait for it (#18)."""
    onprem = ScriptedBackend("onprem")
    onprem.hold_after_first = asyncio.Event()
    run = metered(onprem)
    kept = run.audit.record

    async def slow_record(record: AuditRecord, raw: RawContent | None = None) -> None:
        await asyncio.sleep(0.3)  # a spool on a busy disk, a quota store far away
        await kept(record, raw)

    run.audit.record = slow_record  # type: ignore[method-assign]  # this instance only
    stream = await run.pipeline.generate_stream(run.caller(), chat(PROMPT))
    async with anyio.create_task_group() as response:  # as StreamingResponse runs it

        async def send() -> None:
            async with contextlib.aclosing(stream):
                async for _ in stream:
                    pass

        response.start_soon(send)
        await asyncio.sleep(0.1)  # the stream is under way, held after its first chunk
        response.cancel_scope.cancel()
    assert run.audit.records == [], "the write is under way, abandoned by the request"

    await run.pipeline.close()
    record = run.audit.only()
    assert record.status == "CANCELLED"
    assert len(run.quotas.settled) == 1


async def test_a_deadline_that_passes_mid_stream_is_recorded_as_deadline_exceeded() -> None:
    onprem = ScriptedBackend("onprem")
    onprem.hold_after_first = asyncio.Event()
    run = metered(onprem)
    request = dataclasses.replace(chat(PROMPT), deadline=time.monotonic() + 1.0)
    with pytest.raises(ModelgwError) as ended:  # mid-stream, or (a stalled machine) before
        stream = await run.pipeline.generate_stream(run.caller(), request)
        async with contextlib.aclosing(stream):
            async for _ in stream:
                pass
    assert ended.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert run.audit.only().status == "DEADLINE_EXCEEDED"
    assert onprem.streams_closed == len(onprem.received)


async def test_a_cancel_just_before_the_deadline_is_recorded_as_deadline_exceeded() -> None:
    """gRPC cancels the call when the caller's own timer fires, which can be a few ms before
    the deadline as the gateway computed it on arrival: that is still the deadline."""
    onprem = ScriptedBackend("onprem")
    onprem.hold_after_first = asyncio.Event()
    run = metered(onprem)
    request = dataclasses.replace(chat(PROMPT), deadline=time.monotonic() + 30.0)
    stream = await run.pipeline.generate_stream(run.caller(), request)

    async def read() -> None:
        async with contextlib.aclosing(stream):
            async for _ in stream:
                pass

    reader = asyncio.ensure_future(read())
    await asyncio.sleep(0.2)  # the stream is under way, held after its first chunk
    # The caller's cancel arrives 50 ms before the deadline the gateway holds.
    object.__setattr__(request, "deadline", time.monotonic() + 0.05)  # frozen: test only
    reader.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reader
    assert run.audit.only().status == "DEADLINE_EXCEEDED"


# -- refused before admission: no record --------------------------------------------------
async def test_refusals_before_admission_leave_no_record() -> None:
    run = metered(ScriptedBackend("onprem"))
    with pytest.raises(PermissionDenied, match="`user` role"):
        await run.pipeline.generate(run.caller(roles=("auditor",)), chat(PROMPT))
    with pytest.raises(NotFound):
        await run.pipeline.generate(run.caller(), chat(PROMPT, model="gpt-9"))
    with pytest.raises(InvalidArgument, match="temperature"):
        await run.ask(PROMPT, temperature=3.5)
    run.audit.refuse = ResourceExhausted("the audit log cannot keep up")
    with pytest.raises(ResourceExhausted):
        await run.ask(PROMPT)

    assert run.audit.records == [] and run.quotas.settled == []
    assert run.trust.calls == [] and run.backends["onprem"].received == []


async def test_the_record_names_the_backend_that_answered_after_a_fallback() -> None:
    cloud = ScriptedBackend("cloud", Locality.EXTERNAL)
    cloud.fail = unavailable()
    run = metered(cloud, ScriptedBackend("onprem"))
    result = await run.ask(PROMPT)

    record = run.audit.only()
    assert record.status == "OK" and record.backend == "onprem" == result.route.backend
    assert record.locality == "local" and "cloud failed" in record.route_reason
    assert result.finish_reason is FinishReason.STOP
