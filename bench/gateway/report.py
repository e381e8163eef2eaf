"""The markdown report of one run: figures per target, versions, commands and machine load.

Added latency is always against `direct` (the mock without a gateway) in the
same phase of the same run, since absolute figures on a shared machine drift
from run to run while the difference measured side by side holds better.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

from bench.gateway.mock import CONTENT_CHUNKS
from bench.gateway.phases import Outcome, Phase

DIRECT = "direct"


@dataclass
class Run:
    when: str
    command: str
    mode: str
    machine: dict[str, object]
    phases: list[Phase]
    outcomes: dict[str, dict[str, Outcome]] = field(default_factory=dict)
    """Phase name -> target name -> what was measured."""
    loads: list[tuple[str, list[str], str, str, float]] = field(default_factory=list)
    """Per phase: its name, the order of its first round, load before, load after, seconds."""
    targets: list[dict[str, str]] = field(default_factory=list)
    wall_s: float = 0.0
    rounds: int = 1

    def to_json(self) -> dict[str, object]:
        return {
            "when": self.when,
            "command": self.command,
            "mode": self.mode,
            "machine": self.machine,
            "wall_s": round(self.wall_s, 1),
            "rounds": self.rounds,
            "targets": self.targets,
            "phases": [asdict(p) for p in self.phases],
            "outcomes": {
                phase: {t: o.to_json() for t, o in by_target.items()}
                for phase, by_target in self.outcomes.items()
            },
            "loads": [
                {"phase": p, "order": o, "before": b, "after": a, "seconds": round(s, 1)}
                for p, o, b, a, s in self.loads
            ],
        }

    def ran(self) -> list[str]:
        """Targets that were measured, in the order they were set up."""
        return [t["name"] for t in self.targets if not t["problem"]]

    def get(self, phase: str, target: str) -> Outcome | None:
        return self.outcomes.get(phase, {}).get(target)


def number(value: float | None, digits: int = 1, unit: str = "") -> str:
    """`value` rounded, with its unit; `n/a` where nothing was measured."""
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{unit}"


def of(outcome: Outcome | None, name: str) -> float | None:
    """One figure of an outcome, None where the target was not measured in that phase."""
    if outcome is None:
        return None
    value = getattr(outcome, name)
    return None if value is None else float(value)


def added(run: Run, phase: str, target: str, attribute: str) -> str:
    """The target's figure minus direct's in the same phase, in ms with a sign."""
    mine, base = run.get(phase, target), run.get(phase, DIRECT)
    if mine is None or base is None:
        return "n/a"
    a, b = getattr(mine, attribute), getattr(base, attribute)
    if a is None or b is None:
        return "n/a"
    return f"{a - b:+.2f} ms" if target != DIRECT else f"({b:.2f} ms)"


def _memory(run: Run, target: str, attribute: str = "rss_mib") -> float | None:
    """The largest reading of `attribute` after any phase."""
    seen = [
        getattr(o, attribute) for by in run.outcomes.values() for t, o in by.items() if t == target
    ]
    values = [v for v in seen if v is not None]
    return max(values) if values else None


def _errors(outcome: Outcome | None) -> str:
    if outcome is None:
        return "n/a"
    return f"{outcome.errors} of {outcome.errors + outcome.requests}"


def unary_table(run: Run) -> list[str]:
    lines = [
        "| target | p50 c=1 | added p50 c=1 | p99 c=1 | RPS c=32 | CPU ms/req c=32 "
        "| RSS MiB (max) | PSS MiB (max) | errors c=128 | RPS c=128 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for target in run.ran():
        c1, c32, c128 = (run.get(f"unary c={c}", target) for c in (1, 32, 128))
        lines.append(
            f"| {target} | {number(of(c1, 'p50_ms'), 2, ' ms')} "
            f"| {added(run, 'unary c=1', target, 'p50_ms')} "
            f"| {number(of(c1, 'p99_ms'), 1, ' ms')} | {number(of(c32, 'rps'), 0)} "
            f"| {number(of(c32, 'cpu_ms_per_request'), 2)} | {number(_memory(run, target), 0)} "
            f"| {number(_memory(run, target, 'pss_mib'), 0)} "
            f"| {_errors(c128)} | {number(of(c128, 'rps'), 0)} |"
        )
    return lines


def stream_table(run: Run) -> list[str]:
    lines = [
        "| target | TTFT p50 | added TTFT p50 | whole stream p50 "
        f"| content chunks received (median / min, of {CONTENT_CHUNKS}) | errors |",
        "|---|---|---|---|---|---|",
    ]
    for target in run.ran():
        s = run.get("stream c=1", target)
        chunks = "n/a"
        if s is not None and s.chunks_min is not None:
            chunks = f"{number(s.chunks_median, 0)} / {s.chunks_min}"
        lines.append(
            f"| {target} | {number(of(s, 'ttft_p50_ms'), 2, ' ms')} "
            f"| {added(run, 'stream c=1', target, 'ttft_p50_ms')} "
            f"| {number(of(s, 'p50_ms'), 1, ' ms')} | {chunks} | {_errors(s)} |"
        )
    return lines


def pii_table(run: Run) -> list[str]:
    lines = [
        "| target | prompts | added p50 c=1 | p99 c=1 | RPS c=32 | CPU ms/req c=32 | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in ("repeated", "distinct"):
        for target in run.ran():
            c1 = run.get(f"pii {kind} c=1", target)
            c32 = run.get(f"pii {kind} c=32", target)
            errors = sum(o.errors for o in (c1, c32) if o is not None)
            lines.append(
                f"| {target} | {kind} | {added(run, f'pii {kind} c=1', target, 'p50_ms')} "
                f"| {number(of(c1, 'p99_ms'), 1, ' ms')} | {number(of(c32, 'rps'), 0)} "
                f"| {number(of(c32, 'cpu_ms_per_request'), 2)} | {errors} |"
            )
    return lines


def error_lines(run: Run) -> list[str]:
    lines = []
    for phase, by_target in run.outcomes.items():
        for target, outcome in by_target.items():
            for sample in outcome.error_samples:
                lines.append(f"- {phase}, {target} ({outcome.errors} in all): `{sample}`")
    return lines or ["None."]


def busy_note(run: Run) -> str:
    cpus = int(str(run.machine.get("cpus") or os.cpu_count() or 1))
    peak = max((float(b.split()[0]) for _, _, b, _, _ in run.loads), default=0.0)
    if peak > cpus / 2:
        return (
            f"**Taken on a loaded machine** (1-minute load up to {peak:.1f} on {cpus} cores "
            "before a phase, other work running): absolute figures are noisy; compare the "
            "targets within this run, not with other runs."
        )
    return f"1-minute load at most {peak:.1f} on {cpus} cores before a phase."


def markdown(run: Run) -> str:
    plan = run.phases[0], run.phases[1], run.phases[2], run.phases[3]
    lines = [
        f"# Gateways side by side ({run.mode} run)",
        "",
        f"- when: {run.when}; wall time {run.wall_s / 60:.1f} min",
        f"- command: `{run.command}` (`make bench-gateway` is the full run)",
        f"- machine: {run.machine}",
        f"- {busy_note(run)}",
        "- setup: every target in front of the same mock upstream (`bench/gateway/mock.py`, "
        f"unary answers at once; streams send the first of {CONTENT_CHUNKS} content chunks "
        "after 20 ms, then one every 2 ms); a ~1.2 KB chat body, temperature 0; one asyncio "
        "client process over raw HTTP/1.1 keep-alive (`load.py`); modelgw's response cache off",
        f"- phases: c=1 is {plan[0].count} sequential requests; c=32 and c=128 are closed loops "
        f"of {plan[1].seconds:g} s and {plan[2].seconds:g} s in all; streams are {plan[3].count} "
        f"sequential; each phase in {run.rounds} rounds, every target taking its share of the "
        "phase in each round, the order rotated every round and phase",
        "- CPU ms/req: user+system time of the target's process tree (/proc) over the window, "
        "per answered request; RSS and PSS: summed over the tree, the largest seen after any "
        "phase (RSS counts a page shared by several processes in each; PSS counts it once, "
        "what the machine or a container's memory limit is charged; see `proc.py`). "
        "`direct` is the mock alone: its c=32 rate is the most this client and mock reach, "
        "the ceiling for every gateway figure.",
        "",
        "## Unary, no personal data, the same prompt each time",
        "",
        *unary_table(run),
        "",
        "## Streams (c=1)",
        "",
        *stream_table(run),
        "",
        "## A name, an e-mail and a phone number in the prompt",
        "",
        "`repeated`: the same prompt every time (a detection memo may answer); `distinct`: a "
        "new person in every request.",
        "",
        *pii_table(run),
        "",
        "## Targets",
        "",
    ]
    for target in run.targets:
        state = f"**not measured**: {target['problem']}" if target["problem"] else "measured"
        lines += [
            f"- **{target['name']}** {target['version']}: {target['summary']}; {state}",
            f"  - command: `{target['command'] or 'not started'}`",
        ]
    lines += ["", "## Errors", "", *error_lines(run), "", "## Machine load per phase", ""]
    lines += [
        "| phase | order (first round) | load before | load after | seconds |",
        "|---|---|---|---|---|",
    ]
    for phase, order, before, after, seconds in run.loads:
        lines.append(f"| {phase} | {', '.join(order)} | {before} | {after} | {seconds:.0f} |")
    return "\n".join(lines) + "\n"
