"""`modelgw serve` as a real process: the HTTP front door is on, and SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai

from tests.ports import free_port

KEY = "mgw_test_e2e_http_key_0123456789"


def test_serve_exposes_the_openai_api_and_stops_on_sigterm(tmp_path: Path) -> None:
    grpc_port, http_port = free_port(), free_port()
    base = f"http://127.0.0.1:{http_port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "modelgw.cli",
            "serve",
            "--listen",
            f"127.0.0.1:{grpc_port}",
            "--http-listen",
            f"127.0.0.1:{http_port}",
        ],
        cwd=tmp_path,
        env={**os.environ, "MODELGW_DEV_API_KEY": KEY},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "modelgw serve did not start"
            time.sleep(0.2)

        client = openai.OpenAI(api_key=KEY, base_url=f"{base}/v1", max_retries=0)
        answer = client.chat.completions.create(
            model="echo", messages=[{"role": "user", "content": "Mail jane.doe@example.com"}]
        )
        assert answer.choices[0].message.content == "Mail jane.doe@example.com"
        assert [m.id for m in client.models.list().data] == ["echo"]
        client.close()

        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
        assert server.returncode == 0, stderr
        assert f"HTTP API on http://127.0.0.1:{http_port}/v1" in stderr
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
