"""What a gateway costs the machine, read from /proc: CPU time and memory of its whole process tree.

Memory twice: RSS summed over the tree, as `ps` would add it up, counts a page
shared by several processes once in each; PSS (proportional set size) splits
each shared page among its sharers, so the tree's PSS counts every page once:
what the machine, or a container's memory limit, is charged. They differ
where processes share pages (modelgw's detector workers, forked from one that
loaded the model); for a single process they nearly agree.

A gateway is more than its first process: modelgw runs detector workers,
LiteLLM may fork, Node has helper threads (counted in its process). The tree
is walked afresh at each reading, so workers started late are counted.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None  # the process ended between listing and reading
    return text.rsplit(")", 1)[1].split()


def tree(roots: list[int]) -> list[int]:
    """The `roots` and every process descended from them that is alive now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_s(roots: list[int]) -> float:
    """User + system seconds used so far by the live processes of the tree."""
    total = 0
    for pid in tree(roots):
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])
    return total / _TICK


def rss_bytes(roots: list[int]) -> int:
    """Resident memory summed over the tree (shared pages counted in each process, as `ps`)."""
    total = 0
    for pid in tree(roots):
        with contextlib.suppress(OSError):  # ended since the listing: it holds no memory now
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    return total


def pss_of(pid: int) -> int:
    """Proportional set size of one process, in bytes (0 if it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):  # ended since the listing
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def pss_bytes(roots: list[int]) -> int:
    """Proportional set size summed over the tree: each shared page counted once in all."""
    return sum(pss_of(pid) for pid in tree(roots))


def load() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict[str, object]:
    cpu = platform.processor()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": round(int(memory) / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    }
