"""Tenants: who may call, with which keys and roles, and what happens to their data."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, field_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.inputs import EmbeddingPolicy, ImagePolicy
from modelgw.common.config.models import ModelConfig
from modelgw.common.config.quotas import TenantQuotas
from modelgw.common.config.routing import SensitivityRule

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


def check_sha256_hex(value: str) -> str:
    if not _SHA256_HEX.match(value):
        raise ValueError("must be 64 lowercase hex characters (the SHA-256 of the key)")
    return value


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
        return check_sha256_hex(value)


class CustomPattern(StrictModel):
    """A tenant's own kind of identifier (employee ids, case numbers), found by regex."""

    entity_type: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,40}$")
    """Upper-case name; becomes the placeholder type (`<EMPLOYEE_ID_1>`)."""
    regex: str
    """Python regular expression; the whole match is the value."""
    score: float = Field(default=0.85, ge=0, le=1)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        if compiled.match(""):
            raise ValueError("must not match the empty string")
        return value


class DenyTerm(StrictModel):
    """Words a tenant never wants to leave (project code names, client names)."""

    entity_type: str = Field(default="DENY_LIST", pattern=r"^[A-Z][A-Z0-9_]{1,40}$")
    terms: list[str] = Field(min_length=1)
    """Matched case-insensitively on word boundaries."""


class EntityPolicy(StrictModel):
    """Action per entity type, separately for external and local backends."""

    external_default: EntityAction = EntityAction.MASK
    """Action for entity types not listed in `external` when the backend is external."""
    local_default: EntityAction = EntityAction.MASK
    """Action for entity types not listed in `local` when the backend is local.

    Masks by default too: a tenant opts local models into seeing raw values explicitly."""
    external: dict[str, EntityAction] = Field(default_factory=dict)
    local: dict[str, EntityAction] = Field(default_factory=dict)
    custom_patterns: list[CustomPattern] = Field(default_factory=list)
    """Extra recognizers for this tenant only."""
    deny_list: list[DenyTerm] = Field(default_factory=list)
    """Terms always treated as personal data for this tenant."""

    def action_for(self, entity_type: str, *, external: bool) -> EntityAction:
        if external:
            return self.external.get(entity_type, self.external_default)
        return self.local.get(entity_type, self.local_default)


class AnswerRelease(StrEnum):
    """How much of a streamed answer waits for the response scan."""

    WORDS = "words"
    """Cut between any two ordinary words: only a run of words that could hold a value (a
    name, number, e-mail, address) waits, plus the word after it. Toxicity, when acted on,
    still needs whole sentences (`sentences` applies then)."""
    SENTENCES = "sentences"
    """Release a sentence at a time: the scan sees whole sentences (and so does NER)."""


class ResponseScanPolicy(StrictModel):
    """What happens to an answer before the caller sees it."""

    new_entity_action: EntityAction = EntityAction.REDACT
    """Personal data in the answer that the caller did not send: redact (default), mask
    (kept out of the audit record but restored for the caller), block or allow."""
    toxicity_threshold: float = Field(default=0.8, ge=0, le=1)
    """Score at or above which `toxicity_action` applies."""
    toxicity_action: EntityAction = EntityAction.ALLOW
    """`allow` only records the score; `block` cuts the answer at the offending sentence
    and ends it with finish reason CONTENT_FILTER; `redact` replaces that sentence."""
    release: AnswerRelease = AnswerRelease.WORDS
    """How a streamed answer is released while it is scanned (see `AnswerRelease`)."""


class TenantTrustPolicy(StrictModel):
    fail_open_local: bool = False
    """If detection fails, still send requests routed to *local* backends, unmasked, and
    record the decision as `fail_open`. External routes always fail closed."""
    response: ResponseScanPolicy = Field(default_factory=ResponseScanPolicy)


class TenantCachePolicy(StrictModel):
    enabled: bool = True
    """Whether this tenant's deterministic requests (temperature 0 or a seed) use the
    deployment's response cache; off for tenants that want every answer fresh."""


class TenantConfig(StrictModel):
    """One tenant: the `[tenants.NAME]` table of the config file, and the schema of a tenant
    document applied with `modelgw tenants apply` (see `modelgw.control.documents`).

    `allowed_models` and `quotas` belong to the platform: a tenant's own admin may change
    every other field of its document, not these two (`modelgw.control.admin`).
    """

    display_name: str = ""
    api_keys: list[ApiKeyConfig] = Field(default_factory=list)
    """Keys declared in the config file. A tenant document holds none: keys issued at run
    time live in the control store (`modelgw keys create`), so that rolling a document back
    can never bring back a revoked key."""
    allowed_models: list[str] = Field(default_factory=lambda: ["*"])
    """Model names this tenant may call; `*` allows every configured model and every model
    of the tenant's own."""
    models: dict[str, ModelConfig] = Field(default_factory=dict)
    """The tenant's own models, seen by this tenant only: routes over the deployment's
    providers. A name the deployment also defines means this tenant's route replaces the
    deployment's for this tenant (e.g. `chat` goes to its Azure contract)."""
    entity_policy: EntityPolicy = Field(default_factory=EntityPolicy)
    routing_rules: list[SensitivityRule] = Field(default_factory=list)
    """Where requests may go depending on the personal data found in them, checked in order."""
    trust: TenantTrustPolicy = Field(default_factory=TenantTrustPolicy)
    """Fail-open opt-in and response scanning."""
    quotas: TenantQuotas = Field(default_factory=TenantQuotas)
    """Request, token and spend limits of the tenant, its keys and its end users; unlimited
    when empty."""
    cache: TenantCachePolicy = Field(default_factory=TenantCachePolicy)
    images: ImagePolicy = Field(default_factory=ImagePolicy)
    """Image parts in messages: accepted or refused, addresses allowed or not."""
    embeddings: EmbeddingPolicy = Field(default_factory=EmbeddingPolicy)
    """How embedding inputs are protected: masked (default) or sent only to local models."""

    @field_validator("models")
    @classmethod
    def _model_names(cls, value: dict[str, ModelConfig]) -> dict[str, ModelConfig]:
        bad = [name for name in value if not re.match(NAME_PATTERN, name)]
        if bad:
            raise ValueError(f"model names must match {NAME_PATTERN}: {bad}")
        return value
