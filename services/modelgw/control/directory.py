"""API keys and the principals they belong to, looked up by key hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Whose API key this is: its tenant (by name), the key's id and roles.

    The control plane answers with this; the gateway then resolves the tenant name
    into its `Tenant` (see `modelgw.common.tenant`).
    """

    tenant: str
    key_id: str
    roles: frozenset[str]
    valid_until: datetime | None = None
    """When the key stops working (an expiring or rotated key); a cache keeps it no longer."""

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles


class TenantDirectory:
    """In-memory index of the keys declared in the config file (`[[tenants.NAME.api_keys]]`).

    They change only with the file; keys issued at run time are in the control store
    (`modelgw.control.keys.KeyDirectory` asks both)."""

    def __init__(self, config: ModelgwConfig) -> None:
        self._by_hash: dict[str, Principal] = {}
        for tenant_name, tenant in config.tenants.items():
            for key in tenant.api_keys:
                self._by_hash[key.sha256] = Principal(
                    tenant=tenant_name,
                    key_id=key.id,
                    roles=frozenset(r.value for r in key.roles),
                )

    async def resolve(self, key_sha256: str) -> Principal | None:
        return self._by_hash.get(key_sha256)
