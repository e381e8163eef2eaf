"""Config layers (`--config base.toml --config env.toml`): tables merge, values replace."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelgw.common.config import ConfigError, load_config
from modelgw.common.config.paths import STATE_DIR_ENV


def test_a_layer_adds_tables_and_replaces_values(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text('[server]\ngrpc_address = "0.0.0.0:50051"\nshutdown_grace_s = 20\n')
    layer = tmp_path / "env.yaml"
    layer.write_text(
        "server: {shutdown_grace_s: 5}\n"
        "providers: {echo: {type: echo}}\n"
        "models: {echo: {route: [{provider: echo}]}}\n"
    )
    config = load_config(base, layer)
    assert config.server.grpc_address == "0.0.0.0:50051"
    assert config.server.shutdown_grace_s == 5
    assert list(config.models) == ["echo"]


def test_an_error_names_the_layers(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text("")
    layer = tmp_path / "env.toml"
    layer.write_text('[models.x]\nroute = [{ provider = "missing" }]\n')
    with pytest.raises(ConfigError, match=r"base\.toml \+ .*env\.toml: .*unknown provider"):
        load_config(base, layer)


def test_state_paths_default_under_the_state_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from modelgw.common.config import ModelgwConfig

    monkeypatch.setenv(STATE_DIR_ENV, "/var/lib/modelgw")
    config = ModelgwConfig()
    assert config.audit.spool.directory == "/var/lib/modelgw/audit-spool"
    assert config.audit.url == "sqlite+aiosqlite:////var/lib/modelgw/audit.db"
    monkeypatch.delenv(STATE_DIR_ENV)
    assert ModelgwConfig().audit.spool.directory == ".modelgw/audit-spool"
