"""The main loop of one detector process: build the detector once, then answer units forever.

Started by `process_pool` as `python -m modelgw.trust.detector_worker FD`, a
fresh interpreter talking over the socket FD (not multiprocessing's spawn,
which re-runs the parent's main script: a library must not ask its users for
an `if __name__ == "__main__"` guard). Texts come in, raw spans (types and
offsets, no text) go back. An error is reported by its type name only: an
exception message may quote the text it choked on.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Protocol

from modelgw.common.config.trust import TrustConfig
from modelgw.trust.detection_plan import RawSpan, Unit


class UnitRunner(Protocol):
    def run_units(self, units: Sequence[Unit]) -> list[list[RawSpan]]: ...


UnitRunnerFactory = Callable[[TrustConfig], UnitRunner]


def build_detector(config: TrustConfig) -> UnitRunner:
    """The default factory: the real detector (loads the spaCy model)."""
    from modelgw.trust.detector import Detector

    return Detector(config)


def resident_bytes() -> int:
    """This process's resident memory now (the pool recycles a process that grew too big)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # no procfs: the peak is the best we have
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def release_freed_heap() -> None:
    """Hand the C heap's free pages back to the kernel once the detector is built.

    Building it (the spaCy model, the name and place lists) allocates and frees far more
    than it keeps; glibc keeps the freed pages for reuse, and the process would carry them
    as resident memory for its whole life (about 6 MiB of each detector process's ~220).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc (musl, macOS): its allocator has no such call
    libc.malloc_trim(0)


def build(conn: Connection) -> UnitRunner | None:
    """Read the parent's `sys.path`, then (config JSON, factory), and build the runner; on
    failure report ("failed", reason) and give None."""
    try:
        sys.path[:] = conn.recv()  # before the factory is unpickled: it may live in tests/
        config_json, factory = conn.recv()
        runner: UnitRunner = factory(TrustConfig.model_validate_json(config_json))
    except Exception as exc:  # the parent reports it and refuses to start
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return None
    return runner


def answer(conn: Connection, runner: UnitRunner) -> None:
    """Send ("ready", pid), then answer ("run", job, units) with ("ok", job, spans, resident
    bytes) | ("error", job, type name) until ("stop",) or a closed socket."""
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message[0] != "run":
            return
        _, job, units = message
        reply: tuple[object, ...]
        try:
            reply = ("ok", job, runner.run_units(units), resident_bytes())
        except Exception as exc:
            reply = ("error", job, type(exc).__name__)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def serve(conn: Connection) -> None:
    """A worker that loads its own model: `build`, then `answer`."""
    runner = build(conn)
    if runner is None:
        return
    release_freed_heap()
    answer(conn, runner)


def exit_quietly() -> None:
    """Skip the interpreter's teardown (over a second with the model's modules loaded):
    this process holds nothing that needs flushing but its standard streams."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main() -> None:
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when we stop
    # (it closes the socket), so a worker never dies mid-batch with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(Connection(int(sys.argv[1])))
    exit_quietly()


if __name__ == "__main__":
    main()
