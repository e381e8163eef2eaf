"""How `server.processes` is resolved, and how one config is split among the processes.

The processes themselves run in `tests/e2e/test_serve_processes.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modelgw.common.config import ConfigError, ModelgwConfig
from modelgw.serve_processes import TOKEN_ENV, layout, process_count, usable_cores
from tests.configs import gateway_config

PG = "postgresql+asyncpg://modelgw@db.internal:5432/modelgw"


def shared(**server: Any) -> ModelgwConfig:
    """Stores that several processes can share, and `server` on top."""
    return gateway_config(
        {
            "server": server,
            "control": {"url": PG},
            "quotas": {"store": "redis"},
            "metrics": {"listen": "0.0.0.0:9464"},
        },
        audit_url=PG,
    )


def test_one_process_unless_asked() -> None:
    assert process_count(shared()) == 1


def test_a_number_is_taken_as_given() -> None:
    assert process_count(shared(processes=3)) == 3


def test_auto_takes_a_process_per_usable_core() -> None:
    assert process_count(shared(processes="auto")) == usable_cores()


def test_auto_stays_at_one_where_the_state_cannot_be_shared() -> None:
    # SQLite audit and control, in-process quota counters: the embedded defaults' shape.
    assert process_count(gateway_config({"server": {"processes": "auto"}})) == 1


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"control": {"url": PG}, "quotas": {"store": "redis"}}, "audit.url"),
        ({"quotas": {"store": "redis"}}, "control.url"),
        ({"control": {"url": PG}}, "quotas.store"),
    ],
)
def test_several_processes_need_shared_state_and_say_which_is_missing(
    changes: dict[str, Any], named: str
) -> None:
    audit = PG if named != "audit.url" else None
    config = gateway_config({"server": {"processes": 2}, **changes}, audit_url=audit)
    with pytest.raises(ConfigError, match=named):
        process_count(config)


def test_bad_counts_are_refused_by_the_schema() -> None:
    for bad in (0, 65, "many"):
        with pytest.raises(ValueError, match="processes"):
            shared(processes=bad)


def test_layout_shares_one_trust_process_and_gives_each_gateway_its_own_spool_and_metrics(
    tmp_path: Path,
) -> None:
    config = shared(processes=3, health_address="0.0.0.0:50060")
    parts = layout(config, 3, tmp_path)

    assert parts.trust is not None
    assert parts.trust_address == f"unix:{tmp_path / 'trust.sock'}"
    assert [g.services.trust_address for g in parts.gateways] == [parts.trust_address] * 3
    # One token from the supervisor's environment, never a value in the config.
    for part in [parts.trust, *parts.gateways]:
        assert part.services.internal_token == f"env:{TOKEN_ENV}"
    # The first keeps the configured spool, so going from 1 to N leaves nothing behind.
    spool = config.audit.spool.directory
    assert [g.audit.spool.directory for g in parts.gateways] == [spool, f"{spool}.1", f"{spool}.2"]
    assert [g.metrics.listen for g in parts.gateways] == [
        "0.0.0.0:9464",
        "0.0.0.0:9465",
        "0.0.0.0:9466",
    ]
    assert parts.trust.metrics.listen == "0.0.0.0:9467"
    # Probes reach the gateways (which share the port); the trust process has no probe port.
    assert all(g.server.health_address == "0.0.0.0:50060" for g in parts.gateways)
    assert parts.trust.server.health_address is None
    # The rest of the config is what the user wrote.
    assert all(g.providers == config.providers for g in parts.gateways)
    assert all(g.server.grpc_address == config.server.grpc_address for g in parts.gateways)


def test_own_trust_runs_no_trust_process_and_keeps_the_trust_layer_in_each_gateway(
    tmp_path: Path,
) -> None:
    config = shared(processes=2, process_trust="own")
    parts = layout(config, 2, tmp_path)
    assert parts.trust is None
    for gateway in parts.gateways:
        assert gateway.services.trust_address is None  # in process: no call to make
        assert gateway.trust == config.trust  # `trust.workers` detector processes each
    assert [g.metrics.listen for g in parts.gateways] == ["0.0.0.0:9464", "0.0.0.0:9465"]
