"""Tenant documents: parsed by the config schema, compared by meaning, refused readably."""

from __future__ import annotations

import pytest

from modelgw.common.config.loader import ConfigError
from modelgw.control.documents import (
    check_against_deployment,
    document_diff,
    parse_documents,
)

ACME_YAML = """
tenant: acme
display_name: ACME
allowed_models: [chat]
models:
  chat:
    route:
      - provider: echo
entity_policy:
  external:
    PERSON: redact
"""

ACME_TOML = """
tenant = "acme"
display_name = "ACME"
allowed_models = ["chat"]

[models.chat]
route = [{ provider = "echo" }]

[entity_policy]
external_default = "mask"
external = { PERSON = "redact" }
"""


def test_same_meaning_same_digest_whatever_the_format() -> None:
    (from_yaml,) = parse_documents(ACME_YAML)
    (from_toml,) = parse_documents(ACME_TOML, "toml")
    (from_json,) = parse_documents(from_yaml.canonical_json().replace("{", '{"tenant":"acme",', 1))
    assert from_yaml.tenant == "acme"
    assert from_yaml.digest == from_toml.digest == from_json.digest
    assert from_yaml.to_yaml().startswith("tenant: acme\n")


def test_a_change_changes_the_digest_and_shows_in_the_diff() -> None:
    (before,) = parse_documents(ACME_YAML)
    (after,) = parse_documents(ACME_YAML.replace("redact", "block"))
    assert before.digest != after.digest
    diff = document_diff(before, after, "acme v1", "applied")
    assert "-    PERSON: redact" in diff and "+    PERSON: block" in diff
    assert document_diff(before, before, "a", "b") == ""


def test_a_yaml_stream_holds_several_tenants() -> None:
    documents = parse_documents(ACME_YAML + "\n---\ntenant: globex\n")
    assert [d.tenant for d in documents] == ["acme", "globex"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("display_name: x\n", "<doc>: tenant: required"),
        ("tenant: Bad Name\n", "<doc>: tenant: required"),
        ("tenant: acme\nallowed_modles: [x]\n", "<doc>: allowed_modles: unknown key"),
        (
            "tenant: acme\nentity_policy: {external: {PERSON: shred}}\n",
            "<doc>: entity_policy.external.PERSON: Input should be",
        ),
        (
            "tenant: acme\nmodels: {chat: {route: []}}\n",
            "<doc>: models.chat.route: List should have at least 1 item",
        ),
        (
            "tenant: acme\napi_keys: []\n",
            "<doc>: api_keys: keys are not part of a tenant document",
        ),
        ("tenant: [unclosed\n", "<doc>: not valid YAML"),
        ("", "<doc>: no tenant document in it"),
    ],
)
def test_bad_documents_are_refused_with_the_key_and_the_reason(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_documents(text, source="<doc>")
    assert message in str(caught.value)


def test_routes_and_models_are_checked_against_the_deployment() -> None:
    (document,) = parse_documents(
        "tenant: acme\nallowed_models: [chat, gone]\nmodels: {chat: {route: [{provider: nope}]}}\n"
    )
    with pytest.raises(ConfigError) as caught:
        check_against_deployment(document, ["echo"], ["echo"], "acme.yaml")
    assert str(caught.value).splitlines() == [
        "acme.yaml: models.chat.route[0].provider: unknown provider 'nope' (known: ['echo'])",
        "acme.yaml: allowed_models: unknown model 'gone'",
    ]


def test_the_example_document_fits_the_example_deployment() -> None:
    from pathlib import Path

    from modelgw.common.config import load_config

    root = Path(__file__).resolve().parents[3]
    config = load_config(root / "deploy/config/modelgw.example.toml")
    text = (root / "deploy/config/tenant.example.yaml").read_text()
    (document,) = parse_documents(text, source="tenant.example.yaml")
    check_against_deployment(document, config.providers, config.models)
    assert document.tenant == "acme"
