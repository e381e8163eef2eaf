"""Drill (#18 finding 7): detector processes under a steady stream of new words, RSS sampled.

spaCy keeps every new string it reads, so a detector process's memory only grows; the
pool recycles a process after `recycle_after_texts` texts or above
`recycle_above_rss_mib`. This soak feeds the real detector (spaCy model, two processes)
texts full of words it has never seen, for SOAK_S seconds (default 60; the issue asks
for 600), and prints each process's RSS over time, this process's open file descriptors (a
recycle must not leak the old process's socket), the recycles, and the throughput.
SOAK_RECYCLE_TEXTS (default 1000; 0: never) is low so that a short soak shows recycling; the
shipped default is `TrustConfig.recycle_after_texts`.
"""

from __future__ import annotations

import os
import random
import string
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from modelgw.common.config.trust import TrustConfig
from modelgw.trust.process_pool import DetectorPool

SOAK_S = float(os.environ.get("SOAK_S", "60"))
RECYCLE_TEXTS = int(os.environ.get("SOAK_RECYCLE_TEXTS", "1000"))
WORKERS = 2
SAMPLES = 10

pytestmark = [pytest.mark.drill, pytest.mark.timeout(SOAK_S + 300)]


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _text(rng: random.Random) -> str:
    """A sentence with words and a name never seen before: every one grows the vocabulary."""

    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 10)))

    name = word().capitalize() + " " + word().capitalize()
    return (
        f"Dear {name}, the {word()} order {rng.randint(1000, 99999)} about {word()} "
        f"{word()} was sent to {word()}@{word()}.com; call {rng.randint(200, 999)}-555-0"
        f"{rng.randint(100, 199)} about the {word()}."
    )


def _feed(pool: DetectorPool, until: threading.Event, seed: int, failures: list[str]) -> int:
    rng = random.Random(seed)
    done = 0
    while not until.is_set():
        try:
            pool.analyze_items([(_text(rng), (), "t")])
            done += 1
        except Exception as exc:
            failures.append(type(exc).__name__)
    return done


def test_drill_detector_rss_under_new_words() -> None:
    config = TrustConfig(workers=WORKERS, recycle_after_texts=RECYCLE_TEXTS, deadline_ms=10_000)
    started = time.monotonic()
    pool = DetectorPool(config)
    print(
        f"\nDRILL detector soak: {WORKERS} processes started in {time.monotonic() - started:.1f} s"
    )
    until = threading.Event()
    failures: list[str] = []
    rows: list[str] = []
    try:
        with ThreadPoolExecutor(WORKERS) as threads:
            fed = [threads.submit(_feed, pool, until, n, failures) for n in range(WORKERS)]
            began = time.monotonic()
            for sample in range(SAMPLES + 1):
                wake = began + SOAK_S * sample / SAMPLES
                time.sleep(max(0.0, wake - time.monotonic()))
                rss = [f"{pid}:{_rss_mib(pid):.0f}" for pid in pool.worker_pids()]
                rows.append(
                    f"  t={time.monotonic() - began:6.1f} s  recycled {pool.recycled:3d}  "
                    f"gateway fds {len(os.listdir('/proc/self/fd')):3d}  "
                    f"RSS (pid:MiB) {' '.join(rss)}"
                )
            until.set()
            texts = sum(f.result() for f in fed)
        seconds = time.monotonic() - began
    finally:
        pool.close()
    print("\n".join(rows))
    print(
        f"  {texts} texts in {seconds:.0f} s ({texts / seconds:.0f}/s), {len(failures)} failed, "
        f"recycled {pool.recycled} times (every {RECYCLE_TEXTS} texts), load "
        f"{os.getloadavg()[0]:.2f}"
    )
    assert not failures, failures[:5]
    if RECYCLE_TEXTS and texts > 3 * RECYCLE_TEXTS * WORKERS:
        assert pool.recycled >= 1
