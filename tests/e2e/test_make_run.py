"""The quick start: `make run` starts a gateway a script can call with a fixed dev key."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import grpc

from modelgw.api.v1 import gateway_pb2_grpc
from tests.conftest import ROOT
from tests.e2e.processes import wait_serving
from tests.harness import generate_request
from tests.ports import free_port


def test_make_run_serves_with_the_dev_key_from_the_environment(tmp_path: Path) -> None:
    grpc_address = f"127.0.0.1:{free_port()}"
    args = f"--listen {grpc_address} --http-listen 127.0.0.1:{free_port()}"
    log = tmp_path / "make-run.log"
    env = {
        **os.environ,
        "MODELGW_DEV_API_KEY": "mgw_make_run_key_01",
        "MODELGW_STATE_DIR": str(tmp_path / "state"),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "-s", "run", f"ARGS={args}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make's child gets the signal with it
        )
    try:
        wait_serving(grpc_address, process, log)
        with grpc.insecure_channel(grpc_address) as channel:
            reply = gateway_pb2_grpc.GatewayStub(channel).Generate(
                generate_request("Hello from the quick start, I am Henry Ford."),
                metadata=(("authorization", "Bearer mgw_make_run_key_01"),),
            )
        assert reply.message.content == "Hello from the quick start, I am Henry Ford."
        assert [f.entity_type for f in reply.trust.prompt_entities] == ["PERSON"]
        assert (tmp_path / "state/audit.db").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
