"""`modelgw tenants ...` and `modelgw keys ...` as an operator runs them, against a live Control."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.control_support import KEYS, ControlGateway, control_config, control_gateway

ACME = """\
tenant: acme
display_name: ACME
models:
  fresh:
    route: [{provider: echo-b}]
"""


async def _modelgw(gw: ControlGateway, *args: str, key: str = "platform") -> tuple[int, str]:
    env = {**os.environ, "MODELGW_API_KEY": KEYS[key]}
    command = [sys.executable, "-m", "modelgw.cli", *args, "--address", gw.address]
    done = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout + done.stderr


async def test_the_cli_applies_diffs_rolls_back_and_manages_keys(tmp_path: Path) -> None:
    document = tmp_path / "acme.yaml"
    document.write_text(ACME)
    async with control_gateway(control_config("sqlite+aiosqlite://")) as gw:
        code, out = await _modelgw(gw, "tenants", "apply", "-f", str(document), "--dry-run")
        assert code == 0 and "+  fresh:" in out and "acme: would become version 2 (dry run)" in out
        code, out = await _modelgw(gw, "tenants", "apply", "-f", str(document), "-m", "fresh")
        assert code == 0 and "acme: version 1 -> 2" in out
        code, out = await _modelgw(gw, "tenants", "apply", "-f", str(document))
        assert code == 0 and out.strip() == "acme: unchanged at version 2"

        bad = tmp_path / "bad.yaml"
        bad.write_text(ACME.replace("echo-b", "echo-z"))
        code, out = await _modelgw(gw, "tenants", "apply", "-f", str(bad))
        assert code == 1
        assert f"INVALID_ARGUMENT: {bad}: models.fresh.route[0].provider: unknown provider" in out

        code, out = await _modelgw(gw, "tenants", "history", "acme")
        assert code == 0
        assert [line.split()[:2] for line in out.splitlines()[1:]] == [
            ["2", "apply"],
            ["1", "config"],
        ]
        code, out = await _modelgw(gw, "tenants", "diff", "acme", "1", "2")
        assert code == 0 and "+  fresh:" in out
        code, out = await _modelgw(gw, "tenants", "rollback", "acme", "--to", "1")
        assert code == 0 and "acme: version 2 -> 3 (the document of version 1)" in out
        code, out = await _modelgw(gw, "tenants", "get", "acme")
        assert code == 0 and out.splitlines()[1:] == ["tenant: acme"]
        code, out = await _modelgw(gw, "tenants", "list", key="globex-admin")
        assert code == 0 and [line.split()[0] for line in out.splitlines()[1:]] == ["globex"]

        code, out = await _modelgw(gw, "keys", "create", "acme", "ci", "--expires-in", "30d")
        assert code == 0 and out.startswith("key:    mgw_")
        code, out = await _modelgw(gw, "keys", "revoke", "acme", "ci", key="acme-admin")
        assert code == 0 and " revoked " in out
        code, out = await _modelgw(gw, "keys", "list", "acme", key="globex-admin")
        assert code == 1 and "PERMISSION_DENIED: this admin key may only administer" in out
