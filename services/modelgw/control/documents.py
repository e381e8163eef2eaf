"""Tenant documents: the `[tenants.NAME]` schema as a file of its own, and its canonical form.

A document is one tenant's `TenantConfig` plus the line that names it
(`tenant: acme`), in YAML, TOML or JSON. It is validated by the config
schema itself (one schema, one set of error messages), then checked against
the deployment it will run in (its routes name known providers, its allowed
models exist).

Two documents that mean the same thing have the same digest whatever their
formatting, key order or spelled-out defaults: the digest is taken over the
full validated model, so applying an unchanged file creates no version.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from modelgw.common.config.loader import ConfigError, describe
from modelgw.common.config.references import tenant_problems
from modelgw.common.config.tenants import NAME_PATTERN, TenantConfig

_NAME_KEY = "tenant"
FORMATS = ("yaml", "toml", "json")


@dataclass(frozen=True, slots=True)
class TenantDocument:
    """One tenant's configuration as the control plane stores and compares it."""

    tenant: str
    config: TenantConfig

    def canonical(self) -> dict[str, Any]:
        """Every field, defaults included: a stored version means exactly this, even after a
        later release changes a default."""
        return self.config.model_dump(mode="json", exclude={"api_keys"})

    def canonical_json(self) -> str:
        return json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def to_yaml(self, *, full: bool = False) -> str:
        """The document as a person reads it: `tenant:` first, defaults left out unless `full`."""
        body = self.config.model_dump(mode="json", exclude={"api_keys"}, exclude_defaults=not full)
        return yaml.safe_dump({_NAME_KEY: self.tenant, **body}, sort_keys=False)


def stored_document(tenant: str, canonical: Mapping[str, Any]) -> TenantDocument:
    """A document read back from the store (already valid when it was written)."""
    return TenantDocument(tenant, TenantConfig.model_validate(canonical))


def _load(text: str, fmt: str, source: str) -> list[Any]:
    fmt = fmt or ("json" if text.lstrip().startswith("{") else "yaml")
    if fmt not in FORMATS:
        raise ConfigError(f"{source}: unknown format {fmt!r}, use one of {', '.join(FORMATS)}")
    try:
        if fmt == "toml":
            return [tomllib.loads(text)]
        if fmt == "json":
            return [json.loads(text)]
        return [d for d in yaml.safe_load_all(text) if d is not None]
    except (tomllib.TOMLDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{source}: not valid {fmt.upper()}: {exc}") from None


def parse_documents(text: str, fmt: str = "", source: str = "<document>") -> list[TenantDocument]:
    """Every tenant document in `text` (a YAML stream may hold several, one per `---`).

    Raises `ConfigError` naming the source, the key and the reason.
    """
    import re

    loaded = _load(text, fmt, source)
    if not loaded:
        raise ConfigError(f"{source}: no tenant document in it")
    documents: list[TenantDocument] = []
    for i, data in enumerate(loaded):
        where = source if len(loaded) == 1 else f"{source} (document {i + 1})"
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where}: a tenant document is a table of keys")
        body = dict(data)
        name = body.pop(_NAME_KEY, None)
        if not isinstance(name, str) or not re.match(NAME_PATTERN, name):
            raise ConfigError(
                f"{where}: {_NAME_KEY}: required, the tenant's name (matching {NAME_PATTERN})"
            )
        if "api_keys" in body:
            raise ConfigError(
                f"{where}: api_keys: keys are not part of a tenant document; issue them with "
                "`modelgw keys create` (a rollback must never bring back a revoked key)"
            )
        try:
            config = TenantConfig.model_validate(body)
        except ValidationError as exc:
            raise ConfigError(describe(where, exc)) from None
        documents.append(TenantDocument(name, config))
    return documents


def check_against_deployment(
    document: TenantDocument,
    providers: Collection[str],
    models: Collection[str],
    source: str = "<document>",
) -> None:
    """Refuse a document whose routes or allowed models name what the deployment lacks."""
    problems = tenant_problems("", document.config, providers, models)
    if problems:
        raise ConfigError("\n".join(f"{source}: {p}" for p in problems))


def document_diff(
    old: TenantDocument | None, new: TenantDocument | None, old_label: str, new_label: str
) -> str:
    """A unified diff of the two documents as people read them (empty when equal)."""
    before = old.to_yaml().splitlines(keepends=True) if old else []
    after = new.to_yaml().splitlines(keepends=True) if new else []
    return "".join(difflib.unified_diff(before, after, old_label, new_label))
