"""The parts of bench/gateway its figures rest on: the mock's stream timing, the client's
chunk count, and the report's added-latency arithmetic.

A mock that sent its first chunk early, or a client that miscounted chunks split
across reads, would flatter or blame a gateway's streaming; a report that took
the difference the wrong way round would invert the comparison. Timing bounds
are lower bounds (a loaded machine only makes things later).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from bench.gateway import mock
from bench.gateway.load import EXPECTED, Connection, Endpoint, SseCounter
from bench.gateway.phases import Outcome, phases
from bench.gateway.prompts import PLAIN, pii_distinct
from bench.gateway.report import Run, added, busy_note, markdown


@asynccontextmanager
async def _mock(pacing: mock.Pacing) -> AsyncIterator[int]:
    server = await asyncio.start_server(partial(mock._serve, pacing=pacing), "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def test_pacing_sends_thirty_chunks_after_the_first_delay_then_evenly() -> None:
    offsets = mock.Pacing(20, 2).offsets_s()
    assert len(offsets) == mock.CONTENT_CHUNKS == 30
    assert offsets[0] == 0.020
    assert all(abs((b - a) - 0.002) < 1e-9 for a, b in itertools.pairwise(offsets))


def test_the_counter_finds_every_content_chunk_however_the_bytes_are_split() -> None:
    stream = b"".join(mock.stream_events())
    rng = random.Random(7)
    for _ in range(20):
        counter = SseCounter(time.perf_counter())
        cuts = sorted(rng.sample(range(1, len(stream)), 40))
        for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
            counter.feed(stream[start:end])
        assert counter.chunks == 30
        assert counter.ttft_s is not None


async def test_a_stream_from_the_mock_starts_late_and_arrives_whole() -> None:
    async with _mock(mock.Pacing(20, 2)) as port:
        connection = Connection(Endpoint(port))
        try:
            replies = [await connection.send(PLAIN, stream=True) for _ in range(3)]
            unary = await connection.send(PLAIN)
        finally:
            await connection.close()
    for reply in replies:
        assert reply.status == 200 and not reply.problem
        assert reply.content_chunks == 30
        assert reply.ttft_s is not None and reply.ttft_s >= 0.019
        assert reply.seconds >= 0.020 + 29 * 0.002 - 0.001
    assert unary.status == 200 and not unary.problem


async def test_a_wrong_answer_is_an_error_not_a_success() -> None:
    async def other(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await reader.readexactly(len(PLAIN))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(other, "127.0.0.1", 0)
    connection = Connection(Endpoint(server.sockets[0].getsockname()[1]))
    try:
        reply = await connection.send(PLAIN)
    finally:
        await connection.close()
        server.close()
    assert reply.status == 200
    assert reply.problem.startswith("unexpected body")
    assert EXPECTED in mock.UNARY_BODY


def test_distinct_prompts_never_repeat() -> None:
    bodies = [pii_distinct(0) for _ in range(500)]
    assert len(set(bodies)) == 500


def _run(load_1m: str = "0.20 0.10 0.05") -> Run:
    run = Run("now", "python -m bench.gateway", "quick", {"cpus": 2}, phases(quick=True))
    run.outcomes["unary c=1"] = {
        "direct": Outcome(requests=60, p50_ms=0.05, p99_ms=0.2),
        "portkey": Outcome(requests=60, p50_ms=1.85, p99_ms=9.0),
    }
    run.loads.append(("unary c=1", ["direct", "portkey"], load_1m, load_1m, 1.0))
    run.targets = [
        {"name": "direct", "summary": "mock", "version": "", "command": "x", "problem": ""},
        {"name": "portkey", "summary": "p", "version": "1", "command": "y", "problem": ""},
        {"name": "litellm", "summary": "l", "version": "", "command": "", "problem": "no npm"},
    ]
    return run


def test_added_latency_is_the_target_minus_direct_in_the_same_phase() -> None:
    run = _run()
    assert added(run, "unary c=1", "portkey", "p50_ms") == "+1.80 ms"
    assert added(run, "unary c=1", "direct", "p50_ms") == "(0.05 ms)"
    assert added(run, "unary c=32", "portkey", "p50_ms") == "n/a"


def test_the_report_names_a_target_that_did_not_run_and_a_busy_machine() -> None:
    text = markdown(_run())
    assert "**litellm**" in text and "**not measured**: no npm" in text
    assert "| portkey | 1.85 ms | +1.80 ms |" in text
    assert "loaded machine" not in busy_note(_run())
    assert "loaded machine" in busy_note(_run("9.50 8.00 6.00"))
