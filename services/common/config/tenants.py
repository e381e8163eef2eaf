"""Tenants: who may call, with which keys and roles, and what happens to their data."""

from __future__ import annotations

import re
from enum import StrEnum

from modelgw.common.config.base import StrictModel
from modelgw.common.config.routing import SensitivityRule
from pydantic import Field, field_validator

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


class Role(StrEnum):
    USER = "user"
    """May call models."""
    AUDITOR = "auditor"
    """May query and export this tenant's audit log."""
    ADMIN = "admin"
    """May change this tenant's configuration."""


class EntityAction(StrEnum):
    """What the trust layer does with a detected entity."""

    MASK = "mask"
    REDACT = "redact"
    BLOCK = "block"
    ALLOW = "allow"


class ApiKeyConfig(StrictModel):
    id: str = Field(pattern=NAME_PATTERN)
    """Stable, non-secret name of the key; appears in audit records."""
    sha256: str
    """Lowercase hex SHA-256 of the key (`modelgw keys new` prints a key and its hash)."""
    roles: frozenset[Role] = frozenset({Role.USER})

    @field_validator("sha256")
    @classmethod
    def _hex_digest(cls, value: str) -> str:
        if not _SHA256_HEX.match(value):
            raise ValueError("must be 64 lowercase hex characters (the SHA-256 of the key)")
        return value


class EntityPolicy(StrictModel):
    """Action per entity type, separately for external and local backends."""

    external_default: EntityAction = EntityAction.MASK
    """Action for entity types not listed in `external` when the backend is external."""
    local_default: EntityAction = EntityAction.MASK
    """Action for entity types not listed in `local` when the backend is local.

    Masks by default too: a tenant opts local models into seeing raw values explicitly."""
    external: dict[str, EntityAction] = Field(default_factory=dict)
    local: dict[str, EntityAction] = Field(default_factory=dict)

    def action_for(self, entity_type: str, *, external: bool) -> EntityAction:
        if external:
            return self.external.get(entity_type, self.external_default)
        return self.local.get(entity_type, self.local_default)


class TenantConfig(StrictModel):
    display_name: str = ""
    api_keys: list[ApiKeyConfig] = Field(default_factory=list)
    allowed_models: list[str] = Field(default_factory=lambda: ["*"])
    """Model names this tenant may call; `*` allows every configured model."""
    entity_policy: EntityPolicy = Field(default_factory=EntityPolicy)
    routing_rules: list[SensitivityRule] = Field(default_factory=list)
    """Where requests may go depending on the personal data found in them, checked in order."""
