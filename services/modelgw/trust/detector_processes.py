"""Starting one detector process, and the pool's handle on it.

Two ways to start one: a fresh interpreter running one of our modules
(`detector_worker`, or the `detector_zygote` that loads the model once), or
a fork of that zygote. Either way the process then says ("ready", pid) on its
socket, or ("failed", reason). What the pool does with its processes (idle
queue, deadlines, replacing, recycling) is `process_pool`'s.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle

from modelgw.trust.detector_worker import UnitRunnerFactory
from modelgw.trust.forked_process import ForkedProcess


class DetectorStartError(RuntimeError):
    """A detector process could not build its detector (e.g. the model is not installed)."""


class ZygoteLost(DetectorStartError):
    """The zygote did not answer a fork as the protocol says: it is gone or broken."""


@dataclass(eq=False)
class WorkerProcess:
    process: subprocess.Popen[bytes] | ForkedProcess
    conn: Connection
    pid: int = 0
    jobs: int = 0
    texts: int = 0
    """Texts (or windows of long ones) its model read since it started: what grows spaCy's
    vocabulary, and what `recycle_after_texts` counts."""
    rss_bytes: int = 0
    """Its resident memory after its last batch."""
    retired: bool = False
    """Its successor is serving: stop it instead of making it idle again."""
    lost: bool = False
    """Killed or found dead; the pool replaces it."""
    stopped: bool = False
    """Its handles are closed: closing them again (from `close` racing the thread that owns
    it) must not close descriptor numbers that may by then be another's."""

    def alive(self) -> bool:
        return self.process.poll() is None

    def join(self, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)

    def exit_text(self) -> str:
        code = self.process.returncode
        return "exited" if code is None else f"exited (code {code})"

    def close_handles(self) -> None:
        """Its socket, and the pidfd of a forked one (call once: see `stopped`)."""
        self.conn.close()
        if isinstance(self.process, ForkedProcess):
            self.process.close()


def start(module: str, config_json: str, factory: UnitRunnerFactory) -> WorkerProcess:
    """A fresh interpreter running `modelgw.trust.<module>`, sent what it builds from."""
    parent, child = socket.socketpair()
    with child:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", f"modelgw.trust.{module}", str(child.fileno())],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
    worker = WorkerProcess(process, Connection(parent.detach()))
    worker.conn.send(list(sys.path))
    worker.conn.send((config_json, factory))
    return worker


def fork(zygote: WorkerProcess, timeout_s: float) -> WorkerProcess:
    """A worker forked by `zygote` (its answer and socket within `timeout_s`)."""
    try:
        zygote.conn.send(("fork",))
        if not zygote.conn.poll(timeout_s):
            raise OSError("no answer")
        _, pid = zygote.conn.recv()
        fd = recv_handle(zygote.conn)
    except (EOFError, OSError, ValueError) as exc:
        raise ZygoteLost(f"the detector zygote failed to fork: {exc}") from exc
    try:
        process = ForkedProcess(pid)
    except OSError as exc:  # cannot watch it: do not keep it
        os.close(fd)  # the worker sees its socket close and exits; kill it to be sure
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        raise DetectorStartError(f"cannot watch a forked detector process: {exc}") from exc
    return WorkerProcess(process, Connection(fd))


def await_ready(worker: WorkerProcess, timeout_s: float) -> None:
    """Wait for its ("ready", pid) and note the pid; raise `DetectorStartError` otherwise
    (the caller stops it)."""
    try:
        if not worker.conn.poll(timeout_s):
            raise DetectorStartError(f"a detector process did not start within {timeout_s} s")
        message = worker.conn.recv()
    except (EOFError, OSError):
        worker.join(5)
        message = ("failed", f"{worker.exit_text()} during start")
    if message[0] != "ready":
        raise DetectorStartError(f"a detector process failed to start: {message[1]}")
    worker.pid = message[1]
