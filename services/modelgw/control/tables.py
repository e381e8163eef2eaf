"""The control store's tables (SQLite and Postgres), beside the audit tables, never in them.

`control_tenant_versions` holds every version of every tenant document and is
append-only on Postgres (migration 0001): a version, once written, means the
same thing forever. `control_changes` is the change feed and the admin change
log in one: every apply, rollback and key operation appends a row (who, when,
what, why); gateways follow it by id. `control_api_keys` holds issued keys by
hash; its rows change only to expire or revoke a key.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

_ID = BigInteger().with_variant(Integer, "sqlite")

tenant_versions = Table(
    "control_tenant_versions",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("tenant", String(63), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", JSON, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("source", String(16), nullable=False),
    Column("based_on", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(140), nullable=False),
    Column("message", Text, nullable=False),
    UniqueConstraint("tenant", "version", name="uq_control_tenant_versions"),
)

api_keys = Table(
    "control_api_keys",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("tenant", String(63), nullable=False),
    Column("key_id", String(63), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("roles", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(140), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("tenant", "key_id", "generation", name="uq_control_api_keys_generation"),
)

changes = Table(
    "control_changes",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("tenant", String(63), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("version", Integer, nullable=True),
    Column("key_id", String(63), nullable=True),
    Column("key_hashes", Text, nullable=False),
    Column("actor", String(140), nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_control_changes_tenant", "tenant", "id"),
)
