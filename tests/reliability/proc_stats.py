"""A process's RSS, open file descriptors and children from /proc, and the trend of a series.

The soak watches a real `modelgw serve` from outside, as an operator's monitoring
would: what the kernel says the process holds, not what it says about itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass


def rss_mib(pid: int) -> float:
    """VmRSS of `pid` in MiB; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def descendants(pid: int) -> list[int]:
    """The live processes below `pid`: a gateway's detector processes (the one that loaded
    the model and the workers it forked, its children)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # "pid (comm) state ppid ...": comm may hold spaces, so split after the ")".
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        below = [child for child, of in parents.items() if of == parent]
        found.extend(below)
        todo.extend(below)
    return sorted(found)


@dataclass
class Trend:
    first: float
    last: float
    low: float
    high: float
    slope_per_min: float
    """Least-squares slope over the second half of the series, per minute."""
    rise: float
    """Highest value of the second half minus its first value."""

    def __str__(self) -> str:
        return (
            f"first {self.first:.1f} last {self.last:.1f} min {self.low:.1f} max {self.high:.1f}; "
            f"second half: slope {self.slope_per_min:+.2f}/min, rise {self.rise:+.1f}"
        )


def trend(times: Sequence[float], values: Sequence[float]) -> Trend:
    """The summary of `values` sampled at `times` (seconds); the second half is where a
    leak shows, after start-up, warm-up and the first cache fills are over."""
    half = len(values) // 2
    ts, vs = list(times[half:]), list(values[half:])
    mean_t, mean_v = sum(ts) / len(ts), sum(vs) / len(vs)
    spread = sum((t - mean_t) ** 2 for t in ts)
    covariance = sum((t - mean_t) * (v - mean_v) for t, v in zip(ts, vs, strict=True))
    slope = covariance / spread if spread else 0.0
    return Trend(
        values[0],
        values[-1],
        min(values),
        max(values),
        slope * 60,
        max(vs) - vs[0],
    )
