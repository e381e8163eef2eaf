"""The trust layer's domain types on the `Trust` service's wire, both directions.

The tenant's policy travels with each call as the config schema's own JSON, so
the trust service needs no tenant configuration of its own (and follows a
tenant's new version the moment the gateway does), and the schema stays the
one source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from modelgw.api.v1 import trust_pb2
from modelgw.common.config.tenants import TenantConfig
from modelgw.common.errors import InvalidArgument
from modelgw.common.tenant import Tenant
from modelgw.trust.vault import Vault, VaultEntry

_POLICY_FIELDS = {"entity_policy", "trust"}

_CACHED_TENANTS = 1024
"""Tenant policies kept as JSON (gateway side) and as parsed objects (trust service side):
every call carries its tenant's policy, and serialising or validating the same one on
every request was a measurable part of a remote trust call's CPU."""

_policy_json: dict[int, tuple[TenantConfig, str]] = {}


def tenant_policy_json(tenant: Tenant) -> str:
    """The policy part of the tenant's config as JSON, once per config object (a tenant
    snapshot is immutable; a new version is a new object)."""
    config = tenant.config
    cached = _policy_json.get(id(config))
    if cached is not None and cached[0] is config:  # the same object, not a reused id
        return cached[1]
    if len(_policy_json) >= _CACHED_TENANTS:
        _policy_json.clear()
    text = config.model_dump_json(include=_POLICY_FIELDS)
    _policy_json[id(config)] = (config, text)
    return text


def tenant_from_wire(name: str, policy_json: str) -> Tenant:
    """The tenant as far as the trust layer needs it; INVALID_ARGUMENT if malformed."""
    if not name:
        raise InvalidArgument("tenant is required")
    if not policy_json:
        raise InvalidArgument("tenant_policy_json is required")
    return _parsed_tenant(name, policy_json)


@lru_cache(maxsize=_CACHED_TENANTS)
def _parsed_tenant(name: str, policy_json: str) -> Tenant:
    """Parsed once per (name, policy): the result is immutable, so callers share it; a
    malformed policy raises and is not cached."""
    try:
        config = TenantConfig.model_validate_json(policy_json)
    except ValueError as exc:
        raise InvalidArgument(f"tenant_policy_json is not a valid tenant policy: {exc}") from None
    return Tenant(name=name, config=config)


def vault_to_pb(entries: Iterable[VaultEntry]) -> list[trust_pb2.VaultEntry]:
    return [
        trust_pb2.VaultEntry(placeholder=e.placeholder, value=e.value, entity_type=e.entity_type)
        for e in entries
    ]


def vault_from_pb(entries: Iterable[trust_pb2.VaultEntry], reserved: Iterable[str] = ()) -> Vault:
    vault = Vault(VaultEntry(e.placeholder, e.value, e.entity_type) for e in entries)
    vault.reserve(reserved)
    return vault
