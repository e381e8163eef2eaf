"""Audit pseudonyms: keyed, per tenant, stable; the key from config or the state directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from modelgw.audit.pseudonyms import PREFIX, Pseudonyms, state_dir_key
from modelgw.cli import main
from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.loader import ConfigError
from tests.unit.audit.factory import make_record

KEY = os.urandom(32)


def test_pseudonyms_are_keyed_per_tenant_and_field_and_stable() -> None:
    ours, other_key = Pseudonyms(KEY), Pseudonyms(os.urandom(32))
    value = ours.of("acme", "end_user", "jane@example.com")
    assert value.startswith(PREFIX) and "jane" not in value
    assert value == Pseudonyms(KEY).of("acme", "end_user", "jane@example.com")
    assert value != ours.of("globex", "end_user", "jane@example.com")
    assert value != ours.of("acme", "session_id", "jane@example.com")
    assert value != other_key.of("acme", "end_user", "jane@example.com")
    assert ours.of("acme", "end_user", "") == "", "no end user stays no end user"


def test_a_record_keeps_only_pseudonyms_of_its_caller_identifiers() -> None:
    pseudonyms = Pseudonyms(KEY)
    record = make_record(end_user="jane@example.com", session_id="ticket-jane")
    kept = pseudonyms.record(record)
    assert kept.end_user == pseudonyms.of("acme", "end_user", "jane@example.com")
    assert kept.session_id == pseudonyms.of("acme", "session_id", "ticket-jane")
    assert kept.masked_prompt == record.masked_prompt
    assert pseudonyms.end_user_forms("acme", "jane@example.com") == (
        kept.end_user,
        "jane@example.com",
    )


def test_a_record_with_only_one_identifier_or_none_is_handled_alike() -> None:
    pseudonyms = Pseudonyms(KEY)
    only_session = pseudonyms.record(make_record(end_user="", session_id="ticket-jane"))
    assert only_session.end_user == ""
    assert only_session.session_id == pseudonyms.of("acme", "session_id", "ticket-jane")
    only_user = pseudonyms.record(make_record(end_user="jane@example.com", session_id=""))
    assert only_user.end_user.startswith(PREFIX) and only_user.session_id == ""
    anonymous = make_record(end_user="", session_id="")
    assert pseudonyms.record(anonymous) == anonymous


def test_the_configured_key_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELGW_TEST_PSEUDONYMS", KEY.hex())
    config = AuditConfig(pseudonym_key="env:MODELGW_TEST_PSEUDONYMS")
    value = Pseudonyms.from_config(config).of("acme", "end_user", "x")
    assert value == Pseudonyms(KEY).of("acme", "end_user", "x")
    monkeypatch.setenv("MODELGW_TEST_PSEUDONYMS", "too-short")
    with pytest.raises(ConfigError, match=r"32\+ random bytes"):
        Pseudonyms.from_config(config)


def test_without_a_configured_key_one_is_generated_once_in_the_state_dir(tmp_path: Path) -> None:
    path = tmp_path / "state" / "audit-pseudonym.key"
    with pytest.raises(ConfigError, match=r"audit\.pseudonym_key is not set"):
        state_dir_key(path, generate=False)
    first = state_dir_key(path, generate=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert state_dir_key(path, generate=True) == first == state_dir_key(path, generate=False)
    assert [p.name for p in path.parent.iterdir()] == ["audit-pseudonym.key"]


@pytest.mark.parametrize("service", ["gateway", "audit"])
def test_gateway_and_audit_apart_refuse_to_start_without_a_pseudonym_key(
    tmp_path: Path, service: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "modelgw.yaml"
    config.write_text(yaml.safe_dump({"audit": {"url": f"sqlite+aiosqlite:///{tmp_path}/a.db"}}))
    with pytest.raises(SystemExit) as exited:
        main([service, "--config", str(config)])
    assert exited.value.code == 2
    assert "audit.pseudonym_key is required" in capsys.readouterr().err
