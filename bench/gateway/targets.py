"""What every target of the benchmark is: it installs, starts, answers when ready, and stops.

The gateways themselves are in `modelgw.py` and `others.py`; `Direct` here is
the mock without a gateway. A target that cannot be installed or started
records why in `problem`; the run goes on with the others and the report says
so. A target may run a helper process beside its server (LiteLLM's Presidio
service): both process trees count in its CPU and RSS.
"""

from __future__ import annotations

import asyncio
import shlex
import subprocess
import time
from pathlib import Path

from bench.gateway.load import Connection, Endpoint
from bench.gateway.prompts import PLAIN

ROOT = Path(__file__).resolve().parents[2]
READY_S = 240.0


class TargetProblem(Exception):
    """The target cannot run here; the message says why, for the report."""


def tail(path: Path, chars: int = 600) -> str:
    try:
        return path.read_text(errors="replace")[-chars:].strip()
    except OSError:
        return ""


class Target:
    """One gateway process (or the mock itself, for `direct`) the load is sent to."""

    name = "target"
    summary = ""

    def __init__(self, mock_port: int, workdir: Path, cache: Path, port: int) -> None:
        self.mock_port = mock_port
        self.mock_url = f"http://127.0.0.1:{mock_port}/v1"
        self.workdir = workdir / self.name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cache = cache
        self.port = port
        self.version = ""
        self.command: list[str] = []
        self.problem = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.helper: subprocess.Popen[bytes] | None = None
        self.log = self.workdir / "server.log"

    def install(self) -> None:
        """Make the target runnable and set `version`; raises TargetProblem when it cannot."""

    def launch(self) -> tuple[list[str], dict[str, str], Path]:
        """The command line, environment and working directory of the server."""
        raise NotImplementedError

    def endpoint(self) -> Endpoint:
        return Endpoint(self.port)

    def describe(self) -> dict[str, str]:
        """What the report says about this target: what it is, which version, how it ran."""
        return {
            "name": self.name,
            "summary": self.summary,
            "version": self.version,
            "command": shlex.join(self.command),
            "problem": " ".join(self.problem.split()),
        }

    def roots(self) -> list[int]:
        """The processes whose trees are this target's cost: its server and any helper."""
        assert self.process is not None
        return [p.pid for p in (self.process, self.helper) if p is not None]

    def start(self) -> None:
        command, env, cwd = self.launch()
        self.command = command
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT
        )

    async def ready(self) -> None:
        """Waits until a real chat request through the target reaches the mock and back."""
        deadline = time.monotonic() + READY_S
        connection = Connection(self.endpoint())
        last = ""
        try:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise TargetProblem(f"exited with {self.process.returncode}: {tail(self.log)}")
                reply = await connection.send(PLAIN)
                if not reply.problem:
                    return
                last = reply.problem
                await asyncio.sleep(0.5)
        finally:
            await connection.close()
        raise TargetProblem(f"not ready in {READY_S:.0f} s (last: {last}): {tail(self.log)}")

    def stop(self) -> None:
        for process in (self.process, self.helper):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)


class Direct(Target):
    """The mock itself: the baseline every added latency is taken against."""

    name = "direct"
    summary = "the mock upstream, no gateway (baseline; its CPU and RSS are the mock's)"

    def install(self) -> None:
        self.version = "bench/gateway/mock.py"

    def start(self) -> None:
        """The runner started the mock before any gateway and set `process` to it."""
        assert self.process is not None
        args = self.process.args
        self.command = [str(a) for a in args] if isinstance(args, list) else [str(args)]
