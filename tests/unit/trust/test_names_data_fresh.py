"""The committed name gazetteer (modelgw/trust/data/names.txt) matches what its generator writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modelgw.trust.name_lists import parse, render

ROOT = Path(__file__).resolve().parents[3]


def test_committed_names_file_is_fresh() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gennames.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_render_and_parse_round_trip() -> None:
    sections = {"first": ["anna"], "last": ["kowalski"], "common": ["will"], "english": ["said"]}
    assert parse(render(**sections, source="test")) == sections
