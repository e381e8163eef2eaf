"""One tenant, resolved once at authentication and passed along with the request.

Before this object existed, each part of the gateway looked the tenant's name
up again in the config and treated an unknown name its own way (routing
refused, the trust layer said NOT_FOUND, quotas ran it unmetered). Now the
front door resolves the name into a `Tenant` through `Tenants`, which refuses
an unknown one in one place, and every later step reads the same snapshot: a
request sees one version of its tenant's settings from start to end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from modelgw.common.config.audit import SpoolFullAction
from modelgw.common.config.quotas import TenantQuotas
from modelgw.common.config.routing import SensitivityRule
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import EntityPolicy, Role, TenantConfig, TenantTrustPolicy
from modelgw.common.errors import PermissionDenied


@dataclass(frozen=True, slots=True)
class Tenant:
    """Everything the request path needs to know about one tenant; immutable."""

    name: str
    config: TenantConfig
    on_spool_full: SpoolFullAction = SpoolFullAction.REFUSE
    """What this tenant's requests do when the gateway's audit spool is full."""
    version: int = 1
    """The version of the tenant's document this snapshot holds, from the control store
    (`modelgw tenants history`); a store starts with the config file's as version 1."""

    @property
    def entity_policy(self) -> EntityPolicy:
        return self.config.entity_policy

    @property
    def trust(self) -> TenantTrustPolicy:
        return self.config.trust

    @property
    def quotas(self) -> TenantQuotas:
        return self.config.quotas

    @property
    def routing_rules(self) -> tuple[SensitivityRule, ...]:
        return tuple(self.config.routing_rules)

    def may_use(self, model: str) -> bool:
        allowed = self.config.allowed_models
        return "*" in allowed or model in allowed


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated request's who: the tenant (resolved) and the API key it used."""

    tenant: Tenant
    key_id: str
    roles: frozenset[str]

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    def may_use(self, model: str) -> bool:
        return self.tenant.may_use(model)


class Tenants:
    """The tenants this process serves, by name: the one place an unknown tenant is refused."""

    def __init__(self, tenants: Mapping[str, Tenant]) -> None:
        self._tenants = dict(tenants)

    @classmethod
    def from_config(cls, config: ModelgwConfig, *, version: int = 1) -> Tenants:
        audit = config.audit
        return cls(
            {
                name: Tenant(
                    name=name,
                    config=tenant,
                    on_spool_full=audit.tenant_on_spool_full.get(name, audit.on_spool_full),
                    version=version,
                )
                for name, tenant in config.tenants.items()
            }
        )

    def get(self, name: str) -> Tenant:
        """The tenant, or PERMISSION_DENIED: a key whose tenant this gateway does not serve
        (a control plane ahead of or behind this gateway's config) must not run unmetered
        or unmasked under defaults."""
        tenant = self._tenants.get(name)
        if tenant is None:
            raise PermissionDenied(
                f"this API key belongs to tenant {name!r}, which this gateway does not serve"
            )
        return tenant

    def get_or_none(self, name: str) -> Tenant | None:
        return self._tenants.get(name)

    def names(self) -> list[str]:
        return sorted(self._tenants)

    def values(self) -> list[Tenant]:
        return [self._tenants[name] for name in sorted(self._tenants)]
