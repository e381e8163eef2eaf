"""A process this one did not start, watched and killed through a pidfd.

The detector zygote forks the workers, so the pool is not their parent: it
cannot `waitpid` them, and a bare pid may name another process once the
worker has exited and the kernel reaped it. A pidfd names the process itself:
signals sent through it never reach a successor that reused the pid, and it
polls readable once the process has exited. Linux 5.3 and later.

The one gap: the pidfd is opened from the pid the zygote reports, a moment
after the fork. The worker waits for its first message in that moment, so it
cannot have exited unless killed from outside.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import signal
import subprocess


@functools.cache
def supported() -> bool:
    """Whether this platform can fork workers and watch them by pidfd: the calls exist and
    the kernel allows them (a container's seccomp profile may refuse `pidfd_open`)."""
    if not all(
        (hasattr(os, "fork"), hasattr(os, "pidfd_open"), hasattr(signal, "pidfd_send_signal"))
    ):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


class ForkedProcess:
    """The parts of `subprocess.Popen` the detector pool uses, for a process it did not start."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._pidfd = os.pidfd_open(pid)
        self.returncode: int | None = None
        """Unknown to a non-parent: None while it runs and after (`poll` says which)."""
        self._exited = False

    def poll(self) -> int | None:
        """None while it runs; -1 once it has exited (its exit status goes to its parent)."""
        if not self._exited:
            self._exited = self._wait(0)
        return -1 if self._exited else None

    def wait(self, timeout: float | None = None) -> int:
        if not self._exited:
            self._exited = self._wait(timeout)
        if not self._exited:
            raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0.0)
        return -1

    def kill(self) -> None:
        if self._pidfd < 0:
            return
        with contextlib.suppress(ProcessLookupError):  # exited already
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    def close(self) -> None:
        """Release the pidfd (after the process is known gone, or given up on)."""
        if self._pidfd >= 0:
            os.close(self._pidfd)
            self._pidfd = -1

    def _wait(self, timeout: float | None) -> bool:
        if self._pidfd < 0:
            return True
        poller = select.poll()  # not select(): a busy gateway's descriptors pass 1024
        poller.register(self._pidfd, select.POLLIN)
        return bool(poller.poll(None if timeout is None else timeout * 1000))
