"""The phases of the benchmark and what one phase measured for one target.

A phase is one kind of load (sequential, closed loop at c callers, or
sequential streams) with one kind of prompt. The runner plays each phase in
rounds: in each round every target takes a turn with its share of the phase,
the order rotated from round to round and phase to phase, so that the load of a
shared machine, which swings by several times within minutes, lands on all
alike. CPU is read from the target's process trees before and after each
turn, RSS after its last.
"""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import asdict, dataclass, field

from bench.gateway.load import Endpoint, Reply, Window, closed_loop, sequential
from bench.gateway.proc import cpu_s, pss_bytes, rss_bytes
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


def rounds(quick: bool) -> int:
    return 2 if quick else 4


def phases(quick: bool) -> list[Phase]:
    n, streams, seconds, burst_s = (60, 20, 3.0, 2.0) if quick else (400, 100, 12.0, 8.0)
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
    pss_mib: float | None = None

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


@dataclass
class Turns:
    """What one target did in its turns of one phase, summed over the rounds."""

    replies: list[Reply] = field(default_factory=list)
    window: Window = field(default_factory=Window)
    cpu_s: float = 0.0
    rss_bytes: int = 0
    pss_bytes: int = 0


async def take_turn(
    phase: Phase, rounds: int, endpoint: Endpoint, roots: list[int], turns: Turns
) -> None:
    """One round's share of `phase` against the target at `endpoint` (process trees at
    `roots`), added to `turns`."""
    bodies = PROMPTS[phase.prompt]
    cpu_before = cpu_s(roots)
    if phase.mode == "closed":
        seconds = phase.seconds / rounds
        window = await closed_loop(endpoint, bodies, phase.concurrency, seconds)
        turns.window.done += window.done
        turns.window.errors += window.errors
        turns.window.seconds += window.seconds
        await asyncio.sleep(SETTLE_S)
    else:
        count = max(1, phase.count // rounds)
        turns.replies += await sequential(endpoint, bodies, count, phase.mode == "stream")
    turns.cpu_s += cpu_s(roots) - cpu_before
    turns.rss_bytes = rss_bytes(roots)
    turns.pss_bytes = pss_bytes(roots)


def outcome(phase: Phase, turns: Turns) -> Outcome:
    """The figures of one target in one phase, from all its turns."""
    result = Outcome(rss_mib=turns.rss_bytes / 2**20, pss_mib=turns.pss_bytes / 2**20)
    if phase.mode == "closed":
        window = turns.window
        result.requests, result.rps = window.done, window.rps()
        result.errors, result.error_samples = len(window.errors), _samples(window.errors)
    else:
        good = [r for r in turns.replies if not r.problem]
        problems = [r.problem for r in turns.replies if r.problem]
        result.requests = len(good)
        result.errors, result.error_samples = len(problems), _samples(problems)
        if good:
            seconds = [r.seconds for r in good]
            result.p50_ms = statistics.median(seconds) * 1000
            result.p99_ms = _quantile_ms(seconds, 0.99)
        if phase.mode == "stream" and good:
            ttfts = [r.ttft_s for r in good if r.ttft_s is not None]
            result.ttft_p50_ms = statistics.median(ttfts) * 1000 if ttfts else None
            chunks = [r.content_chunks for r in good]
            result.chunks_median = statistics.median(chunks)
            result.chunks_min = min(chunks)
    if result.requests:
        result.cpu_ms_per_request = turns.cpu_s * 1000 / result.requests
    return result
