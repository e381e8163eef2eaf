"""The phases of the benchmark and what one phase measured for one target.

A phase is one kind of load (sequential, closed loop at c callers, or
sequential streams) with one kind of prompt. The runner plays each phase
against every target in turn, rotating the order from phase to phase, so
machine noise lands on all alike; CPU is read from the target's process tree
before and after its turn, RSS after.
"""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import asdict, dataclass, field

from bench.gateway.load import Endpoint, closed_loop, sequential
from bench.gateway.proc import cpu_s, rss_bytes
from bench.gateway.prompts import PROMPTS

SETTLE_S = 0.5
"""After a closed-loop window: the work a gateway does after answering (audit writes,
spool flushes) lands in its own CPU figure, not in the next target's turn."""


@dataclass(frozen=True)
class Phase:
    name: str
    prompt: str
    """A key of PROMPTS."""
    mode: str
    """`sequential` (c=1, `count` requests), `stream` (c=1, `count` streams) or `closed`."""
    concurrency: int = 1
    count: int = 0
    seconds: float = 0.0


def phases(quick: bool) -> list[Phase]:
    n, streams, seconds, burst_s = (60, 20, 3.0, 2.0) if quick else (400, 100, 10.0, 5.0)
    return [
        Phase("unary c=1", "plain", "sequential", count=n),
        Phase("unary c=32", "plain", "closed", concurrency=32, seconds=seconds),
        Phase("unary c=128", "plain", "closed", concurrency=128, seconds=burst_s),
        Phase("stream c=1", "plain", "stream", count=streams),
        Phase("pii repeated c=1", "pii_repeated", "sequential", count=n),
        Phase("pii repeated c=32", "pii_repeated", "closed", concurrency=32, seconds=seconds),
        Phase("pii distinct c=1", "pii_distinct", "sequential", count=n),
        Phase("pii distinct c=32", "pii_distinct", "closed", concurrency=32, seconds=seconds),
    ]


@dataclass
class Outcome:
    """One phase against one target."""

    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    p50_ms: float | None = None
    p99_ms: float | None = None
    rps: float | None = None
    ttft_p50_ms: float | None = None
    chunks_median: float | None = None
    chunks_min: int | None = None
    cpu_ms_per_request: float | None = None
    rss_mib: float | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _quantile_ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _samples(problems: list[str]) -> list[str]:
    """The distinct error messages, at most five, for the report."""
    seen: dict[str, None] = {}
    for problem in problems:
        seen.setdefault(problem[:200], None)
    return list(seen)[:5]


async def play(phase: Phase, endpoint: Endpoint, roots: list[int]) -> Outcome:
    """Runs `phase` against the target at `endpoint` whose process trees start at `roots`."""
    bodies = PROMPTS[phase.prompt]
    cpu_before = cpu_s(roots)
    outcome = Outcome()
    if phase.mode == "closed":
        window = await closed_loop(endpoint, bodies, phase.concurrency, phase.seconds)
        outcome.requests, outcome.rps = window.done, window.rps()
        outcome.errors, outcome.error_samples = len(window.errors), _samples(window.errors)
    else:
        stream = phase.mode == "stream"
        replies = await sequential(endpoint, bodies, phase.count, stream)
        good = [r for r in replies if not r.problem]
        outcome.requests = len(good)
        problems = [r.problem for r in replies if r.problem]
        outcome.errors, outcome.error_samples = len(problems), _samples(problems)
        if good:
            seconds = [r.seconds for r in good]
            outcome.p50_ms = statistics.median(seconds) * 1000
            outcome.p99_ms = _quantile_ms(seconds, 0.99)
        if stream and good:
            ttfts = [r.ttft_s for r in good if r.ttft_s is not None]
            outcome.ttft_p50_ms = statistics.median(ttfts) * 1000 if ttfts else None
            chunks = [r.content_chunks for r in good]
            outcome.chunks_median = statistics.median(chunks)
            outcome.chunks_min = min(chunks)
    if phase.mode == "closed":
        await asyncio.sleep(SETTLE_S)
    if outcome.requests:
        outcome.cpu_ms_per_request = (cpu_s(roots) - cpu_before) * 1000 / outcome.requests
    outcome.rss_mib = rss_bytes(roots) / 2**20
    return outcome
