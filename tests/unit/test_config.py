"""The config schema: the example loads, broken configs fail with file, key and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelgw.common.config import ConfigError, load_config, parse_config
from modelgw.common.config.defaults import embedded_config
from modelgw.common.config.providers import OpenAIProvider
from modelgw.common.config.schema import is_loopback_address
from modelgw.common.config.secrets import SecretResolutionError, resolve_secret

ROOT = Path(__file__).resolve().parents[2]
BAD = sorted((ROOT / "tests/fixtures/configs/bad").glob("*.toml"))


@pytest.mark.parametrize(
    "path", sorted((ROOT / "deploy/config").glob("*.toml")), ids=lambda p: p.name
)
def test_every_shipped_config_is_valid(path: Path) -> None:
    load_config(path)


def test_example_config_loads() -> None:
    config = load_config(ROOT / "deploy/config/modelgw.example.toml")
    assert set(config.tenants) == {"acme", "globex"}
    acme = config.tenants["acme"]
    assert acme.entity_policy.action_for("US_SSN", external=True).value == "block"
    assert acme.entity_policy.action_for("PERSON", external=True).value == "mask"
    assert [t.provider for t in config.models["assistant"].route] == ["openai", "llama-local"]
    openai = config.providers["openai"]
    assert isinstance(openai, OpenAIProvider) and openai.api_key == "env:OPENAI_API_KEY"
    assert [r.name for r in acme.routing_rules] == ["medical-stays-local", "no-secrets"]
    assert acme.quotas.tokens_per_minute == 200000
    assert config.tenants["globex"].quotas.requests_per_minute is None  # unlimited
    assert config.quotas.store.value == "redis"
    assert config.quotas.on_store_unavailable.value == "refuse"


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_broken_config_names_file_key_and_reason(path: Path) -> None:
    expected = path.read_text().splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert expected in message, message


def test_embedded_defaults_are_valid_and_loopback() -> None:
    config = embedded_config("some-dev-key")
    assert config.server.grpc_address.startswith("127.0.0.1:")
    assert list(config.models) == ["echo"]
    assert config.tenants["dev"].api_keys[0].sha256 != "some-dev-key"


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1:1", True),
        ("localhost:1", True),
        ("[::1]:1", True),
        ("0.0.0.0:1", False),
        ("10.0.0.5:1", False),
        ("example.com:1", False),
    ],
)
def test_loopback_detection(address: str, loopback: bool) -> None:
    assert is_loopback_address(address) is loopback


def test_unknown_yaml_extension_and_missing_file(tmp_path: Path) -> None:
    ini = tmp_path / "c.ini"
    ini.write_text("[server]\n")
    with pytest.raises(ConfigError, match="unknown format"):
        load_config(ini)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_yaml_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("providers:\n  echo: {type: echo}\nmodels:\n  m: {route: [{provider: echo}]}\n")
    assert load_config(path).models["m"].route[0].provider == "echo"


def test_secret_references_resolve_from_env_and_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MODELGW_TEST_SECRET", "s3cret")
    assert resolve_secret("env:MODELGW_TEST_SECRET") == "s3cret"
    secret_file = tmp_path / "token"
    secret_file.write_text("from-file\n")
    assert resolve_secret(f"file:{secret_file}") == "from-file"
    with pytest.raises(SecretResolutionError, match="MODELGW_UNSET_SECRET"):
        resolve_secret("env:MODELGW_UNSET_SECRET")


def test_internal_token_is_a_reference_when_services_split() -> None:
    config = parse_config(
        {"services": {"trust_address": "t:1", "internal_token": "env:MODELGW_INTERNAL_TOKEN"}}
    )
    assert config.services.internal_token == "env:MODELGW_INTERNAL_TOKEN"
