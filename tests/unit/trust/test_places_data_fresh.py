"""The committed gazetteer (modelgw/trust/data/places.txt) matches what its generator writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modelgw.trust.place_names import PlaceNames, parse, render

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "genplaces.py"


def test_committed_places_file_is_fresh() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    """The check can fail: a copy of the script pointed at an edited file reports it stale."""
    stale = tmp_path / "places.txt"
    committed = (ROOT / "services" / "modelgw" / "trust" / "data" / "places.txt").read_text(
        encoding="utf-8"
    )
    stale.write_text(committed.replace("\nberlin\n", "\n", 1), encoding="utf-8")
    source = SCRIPT.read_text(encoding="utf-8")
    script = tmp_path / "genplaces.py"
    script.write_text(
        source.replace(
            'OUTPUT = PACKAGE / "trust" / "data" / DATA_FILE',
            f"OUTPUT = Path({str(stale)!r})",
        ),
        encoding="utf-8",
    )
    assert f"OUTPUT = Path({str(stale)!r})" in script.read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "stale" in done.stderr


def test_render_and_parse_round_trip() -> None:
    places = PlaceNames.from_names(
        ["New York", "Germany", "Jordan"], ["Berlin", "Pécs", "Long Beach"]
    )
    assert "pecs" in places.single_cued and places.needs_cue(("jordan",))
    assert parse(render(places, "test")) == places
