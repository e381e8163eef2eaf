"""Certificate files: broken ones fail at start with the file named; changes are noticed."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from modelgw.common.config import ConfigError, parse_config
from modelgw.common.config.secrets import SecretResolutionError
from modelgw.common.tls import CertificateError, FileWatch, read_key_pair
from modelgw.common.tls_cli import add_client_tls_arguments, client_tls_from_args
from tests.tls_certs import Authority


def test_a_key_of_another_certificate_is_refused_naming_both_files(tmp_path: Path) -> None:
    ca = Authority(tmp_path)
    one, other = ca.issue("one"), ca.issue("other")
    assert read_key_pair(str(one.cert), str(one.key)).chain == one.cert.read_bytes()
    with pytest.raises(CertificateError) as caught:
        read_key_pair(str(one.cert), str(other.key))
    assert str(other.key) in str(caught.value) and str(one.cert) in str(caught.value)
    assert isinstance(caught.value, SecretResolutionError)  # the CLI's "configuration error"


def test_missing_encrypted_and_non_pem_files_say_what_is_wrong(tmp_path: Path) -> None:
    ca = Authority(tmp_path)
    issued = ca.issue("server")
    with pytest.raises(CertificateError, match="cannot read"):
        read_key_pair(str(tmp_path / "absent.crt"), str(issued.key))
    (tmp_path / "junk.crt").write_text("hello")
    with pytest.raises(CertificateError, match="not a PEM file"):
        read_key_pair(str(tmp_path / "junk.crt"), str(issued.key))
    key = serialization.load_pem_private_key(issued.key.read_bytes(), password=None)
    encrypted = tmp_path / "encrypted.key"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    with pytest.raises(CertificateError, match="encrypted"):
        read_key_pair(str(issued.cert), str(encrypted))


def test_file_watch_sees_an_in_place_rewrite_once(tmp_path: Path) -> None:
    ca = Authority(tmp_path)
    issued = ca.issue("server")
    watch = FileWatch([str(issued.cert), str(issued.key)], interval_s=0)
    assert not watch.changed()
    ca.issue(issued.directory)
    assert watch.changed()
    assert not watch.changed()
    issued.key.unlink()  # mid-swap: a change, tried again when the file is back
    assert watch.changed()


def test_file_watch_looks_at_most_once_per_interval(tmp_path: Path) -> None:
    ca = Authority(tmp_path)
    issued = ca.issue("server")
    watch = FileWatch([str(issued.cert)], interval_s=3600)
    ca.issue(issued.directory)
    assert not watch.changed()


def test_tls_sections_are_optional_and_plaintext_stays_the_default() -> None:
    config = parse_config({})
    assert config.server.tls is None and config.services.tls is None
    assert config.services.client_tls is None and config.server.health_address is None
    assert config.telemetry.otlp_insecure is True


def test_split_services_with_mutual_tls_is_a_valid_config() -> None:
    tls = "/run/secrets/modelgw/tls"
    config = parse_config(
        {
            "services": {
                "trust_address": "trust:50052",
                "internal_token": "env:MODELGW_INTERNAL_TOKEN",
                "tls": {
                    "cert_file": f"{tls}/tls.crt",
                    "key_file": f"{tls}/tls.key",
                    "client_ca_file": f"{tls}/ca.crt",
                    "require_client_cert": True,
                },
                "client_tls": {
                    "ca_file": f"{tls}/ca.crt",
                    "cert_file": f"{tls}/tls.crt",
                    "key_file": f"{tls}/tls.key",
                },
            }
        }
    )
    assert config.services.client_tls and config.services.client_tls.presents_certificate
    with pytest.raises(ConfigError, match=r"services\.client_tls: server_name must not be blank"):
        parse_config({"services": {"client_tls": {"server_name": " "}}})


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_client_tls_arguments(parser)
    return parser.parse_args(argv)


def test_tls_options_of_the_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client_tls_from_args(_parse()) is None
    system_roots = client_tls_from_args(_parse("--tls"))
    assert system_roots is not None and system_roots.ca_file is None
    monkeypatch.chdir(tmp_path)
    tls = client_tls_from_args(
        _parse("--tls-ca-file", "ca.crt", "--tls-cert-file", "c.crt", "--tls-key-file", "c.key")
    )
    assert tls is not None and tls.ca_file == str(tmp_path / "ca.crt")
    with pytest.raises(SystemExit, match="cert_file and key_file go together"):
        client_tls_from_args(_parse("--tls-cert-file", "c.crt"))


def test_the_front_doors_take_server_tls_and_the_services_alone_services_tls() -> None:
    from modelgw.cli import listener_tls

    files = {"cert_file": "/tls/front.crt", "key_file": "/tls/front.key"}
    inner = {"cert_file": "/tls/inner.crt", "key_file": "/tls/inner.key"}
    config = parse_config({"server": {"tls": files}, "services": {"tls": inner}})
    assert config.server.tls and config.services.tls
    # `modelgw serve`: the audit service shares the gateway's public port.
    assert listener_tls(config, ["gateway", "audit"]) is config.server.tls
    for alone in ("trust", "audit", "control"):
        assert listener_tls(config, [alone]) is config.services.tls
    assert listener_tls(parse_config({}), ["gateway"]) is None
