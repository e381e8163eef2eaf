"""`modelgw audit drain-spool`: a stopped gateway's spool delivered by a one-shot.

The destination here is the embedded SQLite store (the same path as a gateway
in `modelgw serve`); a spool a live gateway holds is refused, not shared.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from modelgw.audit.assembly import open_spool
from modelgw.audit.convert import record_to_pb
from modelgw.common.config import load_config
from tests.unit.audit.cli import run_cli
from tests.unit.audit.factory import make_record


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "modelgw.yaml"
    data = {
        "audit": {
            "url": f"sqlite+aiosqlite:///{tmp_path}/audit.db",
            "spool": {"directory": str(tmp_path / "spool"), "retry_max_s": 0.2},
        }
    }
    path.write_text(yaml.safe_dump(data))
    return path


async def test_drain_spool_delivers_everything_and_leaves_it_empty(tmp_path: Path) -> None:
    config_file = _config(tmp_path)
    config = load_config(config_file)
    spool = open_spool(config)
    for i in range(5):
        await spool.append(record_to_pb(make_record(request_id=f"req-{i}")).SerializeToString())
    spool.close()  # the gateway died with 5 records on its volume

    assert await run_cli("audit", "drain-spool", "--config", str(config_file)) == 0
    with sqlite3.connect(tmp_path / "audit.db") as db:
        assert db.execute("select count(*) from audit_records").fetchone() == (5,)
    assert not any((tmp_path / "spool").rglob("seg-*.log")), "nothing left to deliver"
    # Nothing there any more: a second run has nothing to do and says so.
    assert await run_cli("audit", "drain-spool", "--config", str(config_file)) == 0


async def test_drain_spool_refuses_a_spool_a_gateway_holds(tmp_path: Path) -> None:
    config_file = _config(tmp_path)
    held = open_spool(load_config(config_file))
    try:
        await held.append(record_to_pb(make_record()).SerializeToString())
        code = await run_cli("audit", "drain-spool", "--config", str(config_file))
    finally:
        held.close()
    assert code == 1
