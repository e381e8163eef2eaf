"""What the control store holds, as the rest of the control plane sees it.

A tenant version, an entry of the change feed (which is also the admin change
log), and what a follower gets when it reads the feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from modelgw.control.documents import TenantDocument, stored_document


def aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TenantVersion:
    """One immutable version of a tenant's document, with who made it, when and why."""

    tenant: str
    version: int
    document: TenantDocument
    source: str
    """`config` (the config file at start), `apply` or `rollback`."""
    created_at: datetime
    created_by: str
    message: str
    based_on: int | None = None
    """For a rollback: the version whose document this one repeats."""

    @property
    def digest(self) -> str:
        return self.document.digest


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change feed, which is also the admin change log."""

    id: int
    at: datetime
    tenant: str
    kind: str
    """`tenant.config`, `tenant.apply`, `tenant.rollback`, `key.create`, `key.rotate`,
    `key.expire` or `key.revoke`."""
    actor: str
    message: str = ""
    version: int | None = None
    key_id: str | None = None
    key_hashes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """What changed after a follower's position: enough to bring it up to `change`."""

    epoch: str
    """Names this store's history; a follower that sees it change starts over."""
    change: int
    tenants: tuple[TenantVersion, ...]
    """The current version of every tenant that changed (every tenant when `full`)."""
    key_hashes: tuple[str, ...]
    """Keys whose validity changed: cached resolutions of them must go."""
    full: bool


def version_from_row(row: Any) -> TenantVersion:
    return TenantVersion(
        tenant=row.tenant,
        version=row.version,
        document=stored_document(row.tenant, row.document),
        source=row.source,
        created_at=aware(row.created_at),
        created_by=row.created_by,
        message=row.message,
        based_on=row.based_on,
    )


def change_from_row(row: Any) -> Change:
    return Change(
        id=row.id,
        at=aware(row.at),
        tenant=row.tenant,
        kind=row.kind,
        actor=row.actor,
        message=row.message,
        version=row.version,
        key_id=row.key_id,
        key_hashes=tuple(h for h in row.key_hashes.split(",") if h),
    )
