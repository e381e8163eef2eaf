"""The audit table. Plain SQLAlchemy Core so SQLite (embedded) and Postgres share one definition."""

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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

audit_records = Table(
    "audit_records",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("request_id", String(128), nullable=False),
    Column("tenant", String(63), nullable=False),
    Column("api_key_id", String(63), nullable=False),
    Column("end_user", String(256), nullable=False, default=""),
    Column("session_id", String(256), nullable=False, default=""),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("model", String(128), nullable=False),
    Column("backend", String(63), nullable=False, default=""),
    Column("provider_type", String(63), nullable=False, default=""),
    Column("upstream_model", String(256), nullable=False, default=""),
    Column("locality", String(16), nullable=False, default=""),
    Column("route_reason", Text, nullable=False, default=""),
    Column("masked_prompt", JSON, nullable=False),
    Column("masked_response", Text, nullable=False, default=""),
    Column("decision", String(16), nullable=False),
    Column("prompt_entities", JSON, nullable=False),
    Column("response_entities", JSON, nullable=False),
    Column("toxicity", Float, nullable=True),
    Column("prompt_tokens", Integer, nullable=False, default=0),
    Column("completion_tokens", Integer, nullable=False, default=0),
    Column("cost", Float, nullable=True),
    Column("latency_ms", Float, nullable=False, default=0.0),
    Column("status", String(32), nullable=False),
    Column("error", Text, nullable=False, default=""),
    Column("streamed", Boolean, nullable=False, default=False),
    Column("cache_hit", Boolean, nullable=False, default=False),
    Column("trace_id", String(32), nullable=False, default=""),
    UniqueConstraint("tenant", "request_id", name="uq_audit_records_tenant_request"),
    Index("ix_audit_records_tenant_started", "tenant", "started_at"),
)
