"""Bench: resident memory of the default `modelgw serve`, its whole process tree.

    python -m bench.serve_rss [--requests 300] [--trust JSON] [-- extra serve arguments]

Starts `modelgw serve` with the embedded defaults (what `make run` starts), sends
`--requests` chat requests over HTTP, each with a new name, e-mail and phone number (so
detection runs on every one and spaCy's vocabulary grows as in use), then reads VmRSS of
the serve process and every process below it (the detector processes). Prints one JSON
line: the totals and each process, twice. RSS counts pages shared between processes once
per process, as `ps` and the issue's measurement do; PSS splits a shared page among its
sharers, so the tree's PSS counts it once: what the machine (or a container's memory
limit) is charged. They differ where detector workers are forked from the process that
loaded the model and share its pages (`trust.fork_workers`, the default on Linux).
`--trust '{"workers": 1, "fork_workers": false}'` runs the embedded defaults with those
`[trust]` settings instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.gateway.proc import pss_of, tree
from bench.http.before_after import free_port

KEY = "mgw_bench_rss_key_0123456789abcdef"


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _config_with(trust: dict[str, object], state: str) -> list[str]:
    """`--config` for the embedded defaults with `trust` as their `[trust]` table."""
    from modelgw.common.config.defaults import embedded_config

    config = embedded_config(KEY).model_dump(mode="json", exclude_defaults=True)
    config["trust"] = trust
    path = Path(state) / "modelgw.yaml"
    path.write_text(json.dumps(config, indent=1))  # JSON is YAML
    return ["--config", str(path)]


def measure(requests: int, extra: list[str], trust: dict[str, object] | None) -> dict[str, object]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="modelgw-bench-rss-") as state:
        env = {**os.environ, "MODELGW_DEV_API_KEY": KEY, "MODELGW_STATE_DIR": state}
        if trust is not None:
            extra = [*_config_with(trust, state), *extra]
        command = [
            sys.executable, "-m", "modelgw.cli", "--log-level", "WARNING", "serve",
            "--listen", f"127.0.0.1:{free_port()}", "--http-listen", f"127.0.0.1:{port}", *extra,
        ]  # fmt: skip
        log = Path(state) / "serve.log"
        server = subprocess.Popen(command, env=env, stderr=log.open("wb"))
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"authorization": f"Bearer {KEY}"},
            timeout=60,
        )
        try:
            deadline = time.monotonic() + 600
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"modelgw serve exited: {log.read_text()[-2000:]}")
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("modelgw serve not ready in 600 s")
                time.sleep(0.5)
            for n in range(requests):
                text = (
                    f"Hi, I am Jane Roe{n}. Write to jane.roe{n}@example.com or call "
                    f"+1 415 555 {n % 10_000:04d} about order {n}."
                )
                body = {"model": "echo", "messages": [{"role": "user", "content": text}]}
                client.post("/v1/chat/completions", json=body).raise_for_status()
            pids = tree([server.pid])
            sizes = [_rss_mib(pid) for pid in pids]
            proportional = [pss_of(pid) / 2**20 for pid in pids]
        finally:
            client.close()
            server.terminate()
            server.wait(60)
    return {
        "total_mib": round(sum(sizes)),
        "processes_mib": [round(size) for size in sizes],
        "pss_total_mib": round(sum(proportional)),
        "pss_processes_mib": [round(size) for size in proportional],
        "requests": requests,
        "command": " ".join(["modelgw", "serve", *extra]),
        "trust": trust,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--trust", type=json.loads, help="a `[trust]` table, as JSON")
    parser.add_argument("extra", nargs="*", help="more `modelgw serve` arguments, after --")
    args = parser.parse_args()
    print(json.dumps(measure(args.requests, args.extra, args.trust)))


if __name__ == "__main__":
    main()
