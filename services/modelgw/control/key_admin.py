"""The keys lifecycle as the admin API offers it: create, list, rotate, expire, revoke.

A new key's secret is made here and returned once; only its SHA-256 is
stored. Keys declared in the config file are listed too but change only with
the file: rotating or revoking one here is refused with what to do instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from modelgw.common.api_keys import hash_api_key, new_api_key
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.config.tenants import NAME_PATTERN, ApiKeyConfig, Role
from modelgw.common.errors import FailedPrecondition, InvalidArgument, NotFound
from modelgw.control.admin import Admin
from modelgw.control.change_audit import ChangeAudit
from modelgw.control.key_store import KeyStore, StoredKey
from modelgw.control.store import Change, ControlStore


@dataclass(frozen=True, slots=True)
class IssuedKey:
    secret: str
    """The key itself: shown to the admin once, never stored."""
    key: StoredKey


@dataclass(frozen=True, slots=True)
class KeyListing:
    declared: list[ApiKeyConfig]
    """Keys of the config file (they change only with it)."""
    issued: list[StoredKey]
    """Every generation of every key issued through the admin API, revoked ones included."""


class KeyAdmin:
    def __init__(
        self,
        config: ModelgwConfig,
        store: ControlStore,
        keys: KeyStore,
        audit: ChangeAudit,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._config = config
        self._store = store
        self._keys = keys
        self._audit = audit
        self._clock = clock

    async def create(
        self,
        admin: Admin,
        tenant: str,
        key_id: str,
        roles: Sequence[str] = (),
        *,
        expires_in_s: int = 0,
        message: str = "",
    ) -> IssuedKey:
        admin.check(tenant)
        version = await self._tenant_version(tenant)
        if not re.match(NAME_PATTERN, key_id):
            raise InvalidArgument(f"key_id must match {NAME_PATTERN}")
        wanted = _roles(roles)
        self._not_declared(tenant, key_id, "choose another id")
        now = self._clock()
        expires = now + timedelta(seconds=expires_in_s) if expires_in_s > 0 else None
        secret = new_api_key()
        key, change = await self._keys.create(
            tenant,
            key_id,
            hash_api_key(secret),
            sorted(wanted),
            at=now,
            actor=admin.actor,
            message=message,
            expires_at=expires,
        )
        until = f", expires {expires.isoformat()}" if expires else ""
        await self._record(change, version, f"key {key_id} roles {','.join(sorted(wanted))}{until}")
        return IssuedKey(secret, key)

    def declared(self, tenant: str) -> list[ApiKeyConfig]:
        """The tenant's keys in the config file."""
        found = self._config.tenants.get(tenant)
        return list(found.api_keys) if found else []

    async def listing(self, admin: Admin, tenant: str) -> KeyListing:
        admin.check(tenant)
        await self._tenant_version(tenant)
        return KeyListing(self.declared(tenant), await self._keys.of_tenant(tenant))

    async def rotate(
        self,
        admin: Admin,
        tenant: str,
        key_id: str,
        *,
        grace_s: int | None = None,
        message: str = "",
    ) -> IssuedKey:
        admin.check(tenant)
        version = await self._tenant_version(tenant)
        self._not_declared(tenant, key_id, "rotate it in the file")
        now = self._clock()
        grace = self._config.control.rotation_grace_s if grace_s is None else grace_s
        old_until = now + timedelta(seconds=max(0, grace))
        secret = new_api_key()
        key, change = await self._keys.rotate(
            tenant,
            key_id,
            hash_api_key(secret),
            at=now,
            old_until=old_until,
            actor=admin.actor,
            message=message,
        )
        detail = f"key {key_id} generation {key.generation}, old until {old_until.isoformat()}"
        await self._record(change, version, detail)
        return IssuedKey(secret, key)

    async def expire(
        self,
        admin: Admin,
        tenant: str,
        key_id: str,
        *,
        at: datetime | None = None,
        message: str = "",
    ) -> list[StoredKey]:
        admin.check(tenant)
        version = await self._tenant_version(tenant)
        self._not_declared(tenant, key_id, "remove it from the file")
        now = self._clock()
        when = max(at or now, now)
        found, change = await self._keys.expire(
            tenant, key_id, at=now, when=when, actor=admin.actor, message=message
        )
        await self._record(change, version, f"key {key_id} expires {when.isoformat()}")
        return found

    async def revoke(
        self, admin: Admin, tenant: str, key_id: str, *, message: str = ""
    ) -> list[StoredKey]:
        admin.check(tenant)
        version = await self._tenant_version(tenant)
        self._not_declared(tenant, key_id, "remove it from the file")
        found, change = await self._keys.revoke(
            tenant, key_id, at=self._clock(), actor=admin.actor, message=message
        )
        await self._record(change, version, f"key {key_id} revoked")
        return found

    # -- pieces ------------------------------------------------------------------------------
    async def _tenant_version(self, tenant: str) -> int:
        current = await self._store.current(tenant)
        if current is None:
            raise NotFound(f"no tenant {tenant!r}")
        return current.version

    def _not_declared(self, tenant: str, key_id: str, instead: str) -> None:
        declared = self._config.tenants.get(tenant)
        if declared and any(k.id == key_id for k in declared.api_keys):
            raise FailedPrecondition(
                f"key {key_id!r} of tenant {tenant!r} is declared in the config file; {instead}"
            )

    async def _record(self, change: Change, version: int, detail: str) -> None:
        await self._audit.record(change, version, detail)


def _roles(roles: Sequence[str]) -> set[str]:
    known = {r.value for r in Role}
    wanted = set(roles) or {Role.USER.value}
    unknown = sorted(wanted - known)
    if unknown:
        raise InvalidArgument(f"unknown roles {unknown} (known: {sorted(known)})")
    return wanted
