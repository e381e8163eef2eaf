"""A `modelgw SERVICE` as a real process that a test may SIGKILL and start again.

Unlike `tests.e2e.processes.modelgw_process` (which requires a clean stop),
this one is meant to die abruptly: `kill()` sends SIGKILL and waits for the
process to be gone; `start()` brings up a new one on the same address.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.e2e.processes import MODELGW, wait_serving


class KillableProcess:
    def __init__(
        self, service: str, config: Path, address: str, workdir: Path, env: dict[str, str]
    ) -> None:
        self.service = service
        self._config = config
        self.address = address
        self._workdir = workdir
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self._workdir / f"{self.service}-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        with self.log.open("wb") as out:
            self._process = subprocess.Popen(
                [*MODELGW, self.service, "--config", str(self._config)],
                cwd=self._workdir,
                env={**os.environ, **self._env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_serving(self.address, self._process, self.log)

    def kill(self) -> None:
        """SIGKILL: no drain, no cleanup, open transactions cut off mid-flight."""
        assert self._process is not None
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM and require a clean exit (the normal way out at the end of a test)."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"{self.service} did not stop:\n{self.log.read_text()}") from None
        if process.returncode != 0:
            raise AssertionError(
                f"{self.service} exited with {process.returncode}:\n{self.log.read_text()}"
            )
