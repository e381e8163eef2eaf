"""`modelgw worker`'s command line for vLLM's gRPC server."""

from __future__ import annotations

import sys

from modelgw.cli import build_parser
from modelgw.worker.launcher import CPU_KV_CACHE_BYTES, LAUNCHER_MODULE, WorkerSpec


def test_cpu_build_gets_eager_mode_and_a_fixed_kv_cache() -> None:
    spec = WorkerSpec("/models/m", "127.0.0.1", 50061, "m", ["--max-model-len", "512"])
    command = spec.command("vllm-cpu")
    assert command[:3] == [sys.executable, "-m", LAUNCHER_MODULE]
    assert command[3:11] == [
        "--model", "/models/m", "--host", "127.0.0.1", "--port", "50061",
        "--served-model-name", "m",
    ]  # fmt: skip
    assert command[11:] == [
        "--max-model-len", "512", "--enforce-eager",
        "--kv-cache-memory-bytes", str(CPU_KV_CACHE_BYTES),
    ]  # fmt: skip


def test_gpu_build_and_explicit_options_are_left_alone() -> None:
    spec = WorkerSpec("/m", "0.0.0.0", 1, None, ["--gpu-memory-utilization=0.5"])
    assert spec.command("vllm")[-1] == "--gpu-memory-utilization=0.5"
    assert "--enforce-eager" not in spec.command("vllm")
    cpu = spec.command("vllm-cpu")
    assert "--kv-cache-memory-bytes" not in cpu and "--enforce-eager" in cpu


def test_unknown_options_reach_the_worker_only() -> None:
    parser = build_parser()
    args, extra = parser.parse_known_args(
        ["worker", "--model", "/m", "--max-model-len", "4096", "--tensor-parallel-size", "2"]
    )
    assert args.accepts_engine_args and extra == [
        "--max-model-len", "4096", "--tensor-parallel-size", "2",
    ]  # fmt: skip


def test_tls_options_need_a_certificate_and_fail_before_vllm_loads(tmp_path) -> None:
    import pytest

    from modelgw.common.tls import CertificateError
    from modelgw.worker.cli import _server_tls
    from tests.tls_certs import Authority

    parser = build_parser()

    def tls(*options: str):
        args, _ = parser.parse_known_args(["worker", "--model", "/m", *options])
        return _server_tls(args)

    assert tls() is None
    with pytest.raises(SystemExit, match="--health-listen needs --tls-cert-file"):
        tls("--health-listen", "0.0.0.0:50060")
    with pytest.raises(SystemExit, match="require_client_cert needs client_ca_file"):
        tls("--tls-cert-file", "c", "--tls-key-file", "k", "--tls-require-client-cert")
    issued = Authority(tmp_path).issue("worker")
    other = Authority(tmp_path / "other").issue("other")
    with pytest.raises(CertificateError, match="does not belong"):
        tls("--tls-cert-file", str(issued.cert), "--tls-key-file", str(other.key))
    ok = tls("--tls-cert-file", str(issued.cert), "--tls-key-file", str(issued.key))
    assert ok is not None and ok.cert_file == str(issued.cert)
