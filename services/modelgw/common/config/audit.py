"""The `[audit]` section: where records are stored, how they get there, how long they stay.

Split from `schema.py` because the audit log has many knobs of its own: the
store, the gateway's durable spool, signing of checkpoints, per-tenant raw
content keys, retention and the spool-full policy.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.database import DatabaseClient
from modelgw.common.config.paths import default_audit_url, default_spool_directory
from modelgw.common.config.secrets import SecretRef
from modelgw.common.config.urls import is_secret_parameter


class SpoolFullAction(StrEnum):
    """What a tenant's requests do when the gateway's audit spool is full."""

    REFUSE = "refuse"
    """Refuse new requests with RESOURCE_EXHAUSTED until the spool drains (the safe default)."""
    CONTINUE = "continue"
    """Keep serving and keep spooling past the limit, logging an alert for every request."""


class SpoolConfig(StrictModel):
    """The gateway's local durable queue of audit records (append + fsync before the ack)."""

    enabled: bool = True
    """Off only for tests that want the record written synchronously to the store."""
    directory: str = Field(default_factory=default_spool_directory)
    """Parent directory; each destination (store URL or audit address) gets its own subfolder.
    Defaults to `$MODELGW_STATE_DIR/audit-spool` (`/var/lib/modelgw/audit-spool` in the
    images; `.modelgw/audit-spool` in the working directory when the variable is unset).
    In a container it must be on a volume that outlives the pod (the gateway's
    StatefulSet claim), or records spooled at a crash are lost with the pod."""
    max_bytes: int = Field(default=1024 * 1024 * 1024, ge=4096)
    """Size at which the spool counts as full and the tenants' `on_spool_full` applies."""
    segment_bytes: int = Field(default=16 * 1024 * 1024, ge=4096)
    """Size at which the spool starts a new segment file; drained segments are deleted."""
    batch_size: int = Field(default=500, ge=1, le=10_000)
    """Most records the sender delivers in one batch."""
    batch_wait_s: float = Field(default=0.25, ge=0, le=5)
    """How long the sender lets a batch fill before delivering it, counted from when its
    oldest record was spooled. A delivery costs a store transaction and a cursor fsync
    (milliseconds of CPU on SQLite) however few records it carries; delivering each record
    as it arrived cost more than the rest of a bare request at low concurrency. Waiting
    bounds deliveries to four a second under a steady trickle. Durability does not wait
    for it: a request is answered once its record is fsynced to the spool; it only delays
    when records reach the store (a drain, at stop or before an in-process audit read,
    cuts it short). 0 delivers at once."""
    retry_max_s: float = Field(default=5.0, gt=0, le=300)
    """Longest pause between delivery attempts while the destination is down."""
    drain_on_stop_s: float = Field(default=5.0, ge=0, le=3600)
    """On a clean stop (SIGTERM), how long the gateway keeps delivering its spool after the
    last request finished. What is left stays on disk for the next start; a pod that goes
    away for good (scale-down) should get enough time here to leave nothing behind:
    its `terminationGracePeriodSeconds` minus `server.shutdown_grace_s`, minus a margin."""


class RawContentConfig(StrictModel):
    """A tenant that must keep original prompts and answers, encrypted under its own key."""

    key: SecretRef
    """Reference to the tenant's 32-byte key encryption key, base64 encoded."""


class AuditConfig(DatabaseClient):
    url: str = Field(default_factory=default_audit_url)
    """SQLAlchemy async URL of the audit store, without a password. Defaults to SQLite at
    `$MODELGW_STATE_DIR/audit.db` (`.modelgw/audit.db` when the variable is unset)."""
    password: SecretRef | None = None
    """Database password, merged into `url` at start."""
    migrate_on_start: bool = True
    """Apply migrations when the audit store opens. Set false where the service's database
    user is the unprivileged app role and `modelgw audit migrate` runs as a one-shot job."""
    signing_key: SecretRef | None = None
    """Ed25519 private key (PEM, or the 32-byte seed in base64) that signs chain checkpoints."""
    checkpoint_public_keys: list[str] = Field(default_factory=list)
    """Ed25519 public keys (PEM, or the 32 raw bytes in base64) of earlier signing keys, so
    checkpoints signed before a key rotation still verify; `modelgw audit public-key` prints
    the current one. Public keys are not secrets: plain values."""
    pseudonym_key: SecretRef | None = None
    """32+ random bytes (hex or base64) from which each tenant's key for pseudonymising
    `end_user` and `session_id` in audit records is derived (HMAC-SHA256). The gateway
    writes pseudonyms with it and the audit service hashes an `end_user` filter with it, so
    both must hold the same secret: required for `modelgw gateway` and `modelgw audit`.
    Unset, `modelgw serve` generates one in `$MODELGW_STATE_DIR/audit-pseudonym.key`.
    Changing it means end-user filters no longer find the records written before."""
    checkpoint_interval_s: float = Field(default=300.0, gt=0)
    """How often the audit service signs the head of every tenant chain that moved."""
    spool: SpoolConfig = Field(default_factory=SpoolConfig)
    raw_content: dict[str, RawContentConfig] = Field(default_factory=dict)
    """Tenants (by name) that keep encrypted originals; all others keep masked text only."""
    retention_days: int | None = Field(default=None, ge=1)
    """Default age after which `modelgw audit purge` removes records; None keeps them forever."""
    tenant_retention_days: dict[str, int] = Field(default_factory=dict)
    """Per-tenant override of `retention_days`."""
    on_spool_full: SpoolFullAction = SpoolFullAction.REFUSE
    """Default spool-full policy."""
    tenant_on_spool_full: dict[str, SpoolFullAction] = Field(default_factory=dict)
    """Per-tenant override of `on_spool_full`."""

    @model_validator(mode="after")
    def _no_password_in_url(self) -> Self:
        from sqlalchemy.engine import make_url

        try:
            parsed = make_url(self.url)
        except Exception as exc:
            raise ValueError(f"url is not a database URL: {exc}") from exc
        if parsed.password:
            raise ValueError('url must not contain a password; set `password = "env:NAME"`')
        secret = sorted(name for name in parsed.query if is_secret_parameter(name))
        if secret:
            names = ", ".join(f"`{n}`" for n in secret)
            raise ValueError(
                f"url must not carry credentials in its query ({names}); remove them and "
                'set `password = "env:NAME"`'
            )
        if parsed.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
            raise ValueError("url must use sqlite+aiosqlite:// or postgresql+asyncpg://")
        if any(days < 1 for days in self.tenant_retention_days.values()):
            raise ValueError("tenant_retention_days: every value must be at least 1")
        return self

    def retention_for(self, tenant: str) -> int | None:
        return self.tenant_retention_days.get(tenant, self.retention_days)
