"""The `[control]` section: where tenant versions and API keys live, and who administers all.

Tenant documents and keys are data in the control store, not settings: this
section only says where that store is, how gateways follow it, and which keys
are platform administrators. Platform admins are deployment configuration on
purpose: a tenant admin can issue keys for its own tenant, and must not be able
to issue itself a key that reaches every other tenant.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, field_validator, model_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.database import DatabaseClient
from modelgw.common.config.secrets import SecretRef
from modelgw.common.config.tenants import NAME_PATTERN, check_sha256_hex

IN_MEMORY_URL = "sqlite+aiosqlite://"


class PlatformAdminKey(StrictModel):
    """An API key that may administer every tenant (it calls no models)."""

    id: str = Field(pattern=NAME_PATTERN)
    """Stable, non-secret name of the key; names the actor in the change log and audit log."""
    sha256: str
    """Lowercase hex SHA-256 of the key (`modelgw keys new` prints a key and its hash)."""

    @field_validator("sha256")
    @classmethod
    def _hex_digest(cls, value: str) -> str:
        return check_sha256_hex(value)


class ControlConfig(DatabaseClient):
    url: str = IN_MEMORY_URL
    """SQLAlchemy async URL of the control store (tenant versions, API keys, change log),
    without a password: `postgresql+asyncpg://` in production (several gateways follow it),
    or `sqlite+aiosqlite:///path` for one process. The default keeps it in memory: the
    config file's tenants are version 1 at every start and applied versions last until
    the process stops."""
    password: SecretRef | None = None
    """Database password, merged into `url` at start."""
    migrate_on_start: bool = True
    """Apply the control schema's migrations when the store opens (`modelgw control migrate`
    does it as a one-shot job where the service's database user may not)."""
    platform_admin_keys: list[PlatformAdminKey] = Field(default_factory=list)
    """Keys that may administer every tenant through the `Control` admin API. Every other
    admin key is a tenant key with the `admin` role, limited to its own tenant."""
    sync_interval_s: float = Field(default=5.0, gt=0, le=3600)
    """Backstop: how often a gateway checks the change feed even when no notification came
    (a lost notification, a bus that was down). Notifications bring changes within ~1 s."""
    key_cache_ttl_s: float = Field(default=30.0, ge=0, le=3600)
    """How long a gateway trusts a resolved API key without asking again. Revocations reach
    gateways through the change feed sooner; this only bounds a missed notification."""
    rotation_grace_s: int = Field(default=3600, ge=0, le=90 * 24 * 3600)
    """Default time a rotated key's old secret keeps working."""

    @model_validator(mode="after")
    def _store_url(self) -> Self:
        from sqlalchemy.engine import make_url

        try:
            parsed = make_url(self.url)
        except Exception as exc:
            raise ValueError(f"url is not a database URL: {exc}") from exc
        if parsed.password:
            raise ValueError('url must not contain a password; set `password = "env:NAME"`')
        if parsed.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
            raise ValueError("url must use sqlite+aiosqlite:// or postgresql+asyncpg://")
        ids = [k.id for k in self.platform_admin_keys]
        if len(ids) != len(set(ids)):
            raise ValueError("platform_admin_keys: key ids must be unique")
        return self
