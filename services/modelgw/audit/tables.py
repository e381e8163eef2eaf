"""The audit tables. Plain SQLAlchemy Core so SQLite (embedded) and Postgres share one definition.

`audit_records` is the hash-chained log and is append-only on Postgres
(migration 0002). Everything that must change after the fact lives in other
tables: signed checkpoints and purge anchors, subject keys (deleted to
crypto-shred), legal holds, and the auditor scopes row-level security reads.
Migrations are the source of truth for deployed schemas; a unit test keeps
these definitions and the migrations in step.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

_ID = BigInteger().with_variant(Integer, "sqlite")

audit_records = Table(
    "audit_records",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("request_id", String(128), nullable=False),
    Column("tenant", String(63), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("record_hash", String(64), nullable=False),
    Column("api_key_id", String(63), nullable=False),
    Column("end_user", String(256), nullable=False),
    Column("session_id", String(256), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("model", String(128), nullable=False),
    Column("backend", String(63), nullable=False),
    Column("provider_type", String(63), nullable=False),
    Column("upstream_model", String(256), nullable=False),
    Column("locality", String(16), nullable=False),
    Column("route_reason", Text, nullable=False),
    Column("masked_prompt", JSON, nullable=False),
    Column("masked_response", Text, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("policy_decisions", String(256), nullable=False),
    Column("entity_types", Text, nullable=False),
    Column("prompt_entities", JSON, nullable=False),
    Column("response_entities", JSON, nullable=False),
    Column("toxicity", Float, nullable=True),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("cost_usd", Float, nullable=True),
    Column("cache_hit", Boolean, nullable=False),
    Column("status", String(32), nullable=False),
    Column("error", Text, nullable=False),
    Column("streamed", Boolean, nullable=False),
    Column("trace_id", String(32), nullable=False),
    Column("raw_key_id", String(64), nullable=False),
    Column("raw_ciphertext", LargeBinary, nullable=True),
    # Added by migration 0004; `chain.canonical_bytes` leaves them out at their defaults,
    # so records written before them still verify.
    Column("client_request_id", String(128), nullable=False, server_default=""),
    Column("tenant_version", Integer, nullable=False, server_default="1"),
    Column("masked_stop", JSON, nullable=False, server_default="[]"),
    # Added by migration 0005, left out of the hash at their defaults likewise.
    Column("operation", String(16), nullable=False, server_default="chat"),
    Column("masked_tools", JSON, nullable=False, server_default="[]"),
    Column("request_options", JSON, nullable=False, server_default="{}"),
    Column("masked_tool_calls", JSON, nullable=False, server_default="[]"),
    UniqueConstraint("tenant", "request_id", name="uq_audit_records_tenant_request"),
    UniqueConstraint("tenant", "seq", name="uq_audit_records_tenant_seq"),
    Index("ix_audit_records_tenant_started", "tenant", "started_at", "id"),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("tenant", String(63), nullable=False),
    # `checkpoint` (periodic) or `purge` (records up to `seq` were purged).
    Column("kind", String(16), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("record_hash", String(64), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Index("ix_audit_checkpoints_tenant_seq", "tenant", "seq"),
)

audit_dead_letters = Table(
    "audit_dead_letters",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("tenant", String(256), nullable=False),
    Column("request_id", String(256), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("error", Text, nullable=False),
    # The record as the protobuf `AuditRecord`, byte for byte as it arrived.
    Column("payload", LargeBinary, nullable=False),
)

audit_access_log = Table(
    "audit_access_log",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("tenant", String(63), nullable=False),
    Column("api_key_id", String(63), nullable=False),
    Column("action", String(16), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("result_count", BigInteger, nullable=False),
    Index("ix_audit_access_log_tenant_at", "tenant", "at"),
)

audit_subject_keys = Table(
    "audit_subject_keys",
    metadata,
    Column("key_id", String(64), primary_key=True),
    Column("tenant", String(63), nullable=False),
    Column("subject", String(256), nullable=False),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tenant", "subject", name="uq_audit_subject_keys_tenant_subject"),
)

audit_legal_holds = Table(
    "audit_legal_holds",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("tenant", String(63), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True), nullable=True),
    # Scope (migration 0003): NULL means every end user / no bound in time.
    Column("end_user", String(256), nullable=True),
    Column("since", DateTime(timezone=True), nullable=True),
    Column("until", DateTime(timezone=True), nullable=True),
)

audit_auditor_scopes = Table(
    "audit_auditor_scopes",
    metadata,
    Column("role_name", String(63), primary_key=True),
    Column("tenant", String(63), nullable=False),
)
