"""Generated gRPC code must match the protos: a stale commit fails here, not in production."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_code_matches_protos() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/genproto.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_detects_a_stale_file(tmp_path: Path) -> None:
    """The check is only worth having if it can fail: corrupt a copy of the tree and see it fail."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "protos", copy / "protos")
    shutil.copytree(ROOT / "services/modelgw/api", copy / "services/modelgw/api")
    shutil.copytree(ROOT / "scripts", copy / "scripts")
    stale = copy / "services/modelgw/api/v1/gateway_pb2.py"
    stale.write_text(stale.read_text() + "\n# edited by hand\n")
    result = subprocess.run(
        [sys.executable, str(copy / "scripts/genproto.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "gateway_pb2.py" in result.stdout
