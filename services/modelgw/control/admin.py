"""Who may use the admin API: tenant admins for their own tenant, platform admins for all.

A tenant admin is any key of a tenant with the `admin` role; it administers
that tenant only, and not the fields the platform owns (which models the
tenant may use, its quotas and budgets): otherwise a tenant could raise its
own limits. A platform admin is a key listed in `[control]
platform_admin_keys`: deployment configuration, so no tenant admin can mint
one.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from modelgw.common.api_keys import hash_api_key
from modelgw.common.config.control import PlatformAdminKey
from modelgw.common.config.tenants import Role, TenantConfig
from modelgw.common.errors import PermissionDenied, Unauthenticated
from modelgw.control.auth import Metadata, PrincipalResolver, api_key_from_metadata

PLATFORM_FIELDS = ("allowed_models", "quotas")
"""Fields of a tenant document only a platform admin may change."""


@dataclass(frozen=True, slots=True)
class Admin:
    key_id: str
    tenant: str | None
    """The tenant this admin may administer; `None` for a platform admin (every tenant)."""

    @property
    def platform(self) -> bool:
        return self.tenant is None

    @property
    def actor(self) -> str:
        """How the change log names this admin: `platform:KEY` or `TENANT/KEY`."""
        return f"platform:{self.key_id}" if self.tenant is None else f"{self.tenant}/{self.key_id}"

    def check(self, tenant: str) -> None:
        """PERMISSION_DENIED unless this admin may administer `tenant` (the same answer
        whether that tenant exists or not: names of other tenants are not disclosed)."""
        if self.tenant is not None and tenant != self.tenant:
            raise PermissionDenied(f"this admin key may only administer tenant {self.tenant!r}")

    def check_fields(self, tenant: str, before: TenantConfig | None, after: TenantConfig) -> None:
        """A tenant admin may not change what the platform owns (or create a tenant)."""
        if self.platform:
            return
        if before is None:
            raise PermissionDenied(f"only a platform admin may create tenant {tenant!r}")
        changed = [f for f in PLATFORM_FIELDS if getattr(before, f) != getattr(after, f)]
        if changed:
            raise PermissionDenied(
                f"{', '.join(changed)} of tenant {tenant!r} are set by the platform; "
                "ask a platform admin to change them"
            )


class AdminAuthenticator:
    """An admin API call's key → the `Admin` it acts as, or UNAUTHENTICATED / PERMISSION_DENIED."""

    def __init__(self, platform_keys: Sequence[PlatformAdminKey], keys: PrincipalResolver) -> None:
        self._platform = tuple(platform_keys)
        self._keys = keys

    async def authenticate(self, metadata: Metadata) -> Admin:
        key = api_key_from_metadata(metadata)
        if key is None:
            raise Unauthenticated(
                "missing API key: send metadata `authorization: Bearer <key>` with an admin key"
            )
        digest = hash_api_key(key)
        for platform in self._platform:
            if hmac.compare_digest(digest, platform.sha256):
                return Admin(platform.id, None)
        principal = await self._keys.resolve(digest)
        if principal is None:
            raise Unauthenticated("unknown API key")
        if not principal.has_role(Role.ADMIN):
            raise PermissionDenied("the admin API needs an API key with the `admin` role")
        return Admin(principal.key_id, principal.tenant)
