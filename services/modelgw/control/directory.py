"""Tenants and their API keys, looked up by key hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role


def hash_api_key(key: str) -> str:
    """The form in which keys are stored and compared: lowercase hex SHA-256.

    API keys are long random strings, so a fast unsalted hash is enough: there
    is nothing to brute-force, and a lookup must cost microseconds per request.
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a tenant's API key and what it may do."""

    tenant: str
    key_id: str
    roles: frozenset[str]
    allowed_models: tuple[str, ...]

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    def may_use(self, model: str) -> bool:
        return "*" in self.allowed_models or model in self.allowed_models


class TenantDirectory:
    """In-memory index of every tenant's keys, built from config."""

    def __init__(self, config: ModelgwConfig) -> None:
        self._config = config
        self._by_hash: dict[str, Principal] = {}
        for tenant_name, tenant in config.tenants.items():
            for key in tenant.api_keys:
                self._by_hash[key.sha256] = Principal(
                    tenant=tenant_name,
                    key_id=key.id,
                    roles=frozenset(r.value for r in key.roles),
                    allowed_models=tuple(tenant.allowed_models),
                )

    async def resolve(self, key_sha256: str) -> Principal | None:
        return self._by_hash.get(key_sha256)

    def tenant_names(self) -> list[str]:
        return sorted(self._config.tenants)
