"""Session fixture: real vLLM workers (CPU build) on a tiny model made for the session.

The workers run `modelgw worker` from the worker venv (`make worker-venv`), so
torch and vLLM never enter the test process. Both start at once and share the
session: loading takes ~25-40 s on two cores, paid once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2
from tokenizers import Tokenizer

from modelgw.common.health import health_stub
from modelgw.providers.vllm.tokenizer import ModelTokenizer
from tests.ports import free_port
from tests.vllm_support.tiny_model import MAX_MODEL_LEN

ROOT = Path(__file__).resolve().parents[2]
WORKER_PYTHON = ROOT / ".venv-worker" / "bin" / "python"
WORKER_CLI = ROOT / ".venv-worker" / "bin" / "modelgw"
SERVED_NAME = "tiny"
STARTUP_TIMEOUT_S = 480.0
"""Both workers loading at once took ~235 s on two cores under a CPU hog (25-60 s idle)."""


@dataclass
class WorkerProcess:
    address: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class VllmWorkers:
    model_dir: Path
    workers: list[WorkerProcess]

    @property
    def addresses(self) -> list[str]:
        return [w.address for w in self.workers]


def _serving(address: str) -> bool:
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_stub(channel).Check(
                health_pb2.HealthCheckRequest(service="vllm.grpc.engine.VllmEngine"), timeout=2
            )
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def start_worker(model_dir: Path, log: Path, options: tuple[str, ...] = ()) -> WorkerProcess:
    """`modelgw worker` on a free port; `options` are further worker options (e.g. TLS)."""
    address = f"127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        # Two workers on two shared cores: let the OS schedule instead of pinning both to core 0.
        "VLLM_CPU_OMP_THREADS_BIND": "nobind",
        "OMP_NUM_THREADS": "1",
        "PYTHONUNBUFFERED": "1",
        # This checkout's modelgw, whichever checkout the worker venv was installed from.
        "PYTHONPATH": str(ROOT / "services"),
    }
    command = [
        str(WORKER_PYTHON),
        "-m",
        "modelgw.cli",
        "worker",
        *options,
        "--model",
        str(model_dir),
        "--served-name",
        SERVED_NAME,
        "--listen",
        address,
        "--max-model-len",
        str(MAX_MODEL_LEN),
        "--dtype",
        "float32",
        "--kv-cache-memory-bytes",
        str(64 * 1024 * 1024),
        "--max-num-seqs",
        "16",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    return WorkerProcess(address, log, process)


def stop_worker(worker: WorkerProcess) -> bool:
    """SIGTERM, as Kubernetes would; True when the worker drained and exited 0 by itself."""
    if worker.process.poll() is not None:
        return False
    worker.process.send_signal(signal.SIGTERM)
    try:
        return worker.process.wait(timeout=60) == 0
    except subprocess.TimeoutExpired:
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        return False


def wait_serving(workers: list[WorkerProcess], timeout_s: float) -> None:
    """Block until every worker's engine serves; raise with its log if one dies or is late."""
    deadline = time.monotonic() + timeout_s
    pending = list(workers)
    while pending:
        for worker in list(pending):
            if worker.process.poll() is not None:
                raise RuntimeError(
                    f"vLLM worker exited with {worker.process.returncode}:\n"
                    + worker.log_text()[-4000:]
                )
            if _serving(worker.address):
                pending.remove(worker)
        if time.monotonic() > deadline:
            raise RuntimeError(f"vLLM workers not ready after {timeout_s:.0f}s")
        time.sleep(0.5)


def model_tokenizer(model_dir: Path) -> ModelTokenizer:
    """The tokenizer and chat template of a model directory, as the gateway would use them."""
    config = json.loads((model_dir / "tokenizer_config.json").read_text())
    return ModelTokenizer(
        Tokenizer.from_file(str(model_dir / "tokenizer.json")),
        config["chat_template"],
        config["bos_token"],
        config["eos_token"],
        "",
    )


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight Llama and its tokenizer, made once for the session."""
    if not WORKER_CLI.exists():
        pytest.fail("the vLLM worker venv is missing: run `make worker-venv` (make test does)")
    model_dir = tmp_path_factory.mktemp("vllm-model") / "tiny-llama"
    subprocess.run(
        [str(WORKER_PYTHON), "-m", "tests.vllm_support.tiny_model", str(model_dir)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return model_dir


@pytest.fixture(scope="session")
def vllm_workers(
    tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path
) -> Iterator[VllmWorkers]:
    base = tmp_path_factory.mktemp("vllm")
    model_dir = tiny_model_dir
    workers = [start_worker(model_dir, base / f"worker-{i}.log") for i in range(2)]
    try:
        try:
            wait_serving(workers, STARTUP_TIMEOUT_S)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield VllmWorkers(model_dir, workers)
    finally:
        graceful = [stop_worker(worker) for worker in workers]
    if not all(graceful):  # `modelgw worker` must stop cleanly on SIGTERM
        pytest.fail(f"vLLM workers did not stop cleanly: {graceful}")
