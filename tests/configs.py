"""Test configs, tenants and callers, built in one place.

Most tests want the embedded defaults (the `echo` backend and model, one tenant
with one key) plus a few changes: `gateway_config` starts there and deep-merges
the changes, so a test states only what it is about.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.messages import ChatMessage, GenerationParams
from modelgw.common.tenant import Caller, Tenant, Tenants
from modelgw.gateway.quotas import Quotas, Reservation

DEV_KEY = "mgw_test_dev_key_0123456789abcdef"


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` deep-merged into it (a `None` value deletes the key)."""
    out = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def key_entry(key: str, key_id: str = "k", roles: Sequence[str] = ("user", "auditor")) -> dict:
    return {"id": key_id, "sha256": hash_api_key(key), "roles": list(roles)}


def gateway_config(
    changes: Mapping[str, Any] | None = None,
    *,
    audit_url: str | None = None,
    tmp_path: Path | None = None,
    keys: Mapping[str, str] | None = None,
) -> ModelgwConfig:
    """The echo backend and model, a tenant per entry of `keys` (name → API key, default
    `dev` → `DEV_KEY`, key id `k`, roles user and auditor), an audit store (`audit_url`,
    else SQLite in `tmp_path`, else in memory) with its spool in `tmp_path`, then
    `changes` deep-merged on top.

    Keys of other ids or roles go in `changes` (`{"tenants": {"acme": {"api_keys":
    [key_entry(KEY, "audit", ["auditor"])]}}}`, with `keys={}` when no tenant needs the
    default key); a list in `changes` replaces the list it merges into."""
    keys = keys if keys is not None else {"dev": DEV_KEY}
    if audit_url is None:
        audit_url = (
            f"sqlite+aiosqlite:///{tmp_path}/audit.db" if tmp_path else "sqlite+aiosqlite://"
        )
    audit: dict[str, Any] = {"url": audit_url}
    if tmp_path is not None:
        audit["spool"] = {"directory": str(tmp_path / "spool")}
    base = {
        # Test processes stop often and no load balancer watches them: no drain.
        "server": {"drain_s": 0},
        "providers": {"echo": {"type": "echo"}},
        "models": {"echo": {"route": [{"provider": "echo"}]}},
        "tenants": {name: {"api_keys": [key_entry(key)]} for name, key in keys.items()},
        "audit": audit,
    }
    return ModelgwConfig.model_validate(merged(base, changes or {}))


def config_file(path: Path, config: ModelgwConfig) -> str:
    """`config` written where a `modelgw` command reads it (`--config`); the path, as text."""
    path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    return str(path)


def tenant(name: str = "acme", **fields: Any) -> Tenant:
    """One tenant with the given `TenantConfig` fields (e.g. `quotas={...}`)."""
    config = ModelgwConfig.model_validate({"tenants": {name: fields}})
    return Tenants.from_config(config).get(name)


def caller(name: str = "acme", roles: Sequence[str] = ("user",), **fields: Any) -> Caller:
    return Caller(tenant=tenant(name, **fields), key_id="k", roles=frozenset(roles))


@dataclass
class TenantQuotas:
    """The quota step as the pipeline uses it, for tenants named in `config`."""

    quotas: Quotas
    tenants: Tenants

    @classmethod
    def of(cls, quotas: Quotas, config: ModelgwConfig) -> TenantQuotas:
        return cls(quotas, Tenants.from_config(config))

    async def reserve(
        self, name: str, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> Reservation:
        return await self.quotas.reserve(self.tenants.get(name), messages, params)

    async def settle(self, held: Reservation, used: int | None) -> None:
        await self.quotas.settle(held, used)
