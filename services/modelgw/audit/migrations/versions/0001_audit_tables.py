"""The audit tables (SQLite and Postgres).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(128), nullable=False),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("api_key_id", sa.String(63), nullable=False),
        sa.Column("end_user", sa.String(256), nullable=False),
        sa.Column("session_id", sa.String(256), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("backend", sa.String(63), nullable=False),
        sa.Column("provider_type", sa.String(63), nullable=False),
        sa.Column("upstream_model", sa.String(256), nullable=False),
        sa.Column("locality", sa.String(16), nullable=False),
        sa.Column("route_reason", sa.Text, nullable=False),
        sa.Column("masked_prompt", sa.JSON, nullable=False),
        sa.Column("masked_response", sa.Text, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("policy_decisions", sa.String(256), nullable=False),
        sa.Column("entity_types", sa.Text, nullable=False),
        sa.Column("prompt_entities", sa.JSON, nullable=False),
        sa.Column("response_entities", sa.JSON, nullable=False),
        sa.Column("toxicity", sa.Float, nullable=True),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("cost_usd", sa.Float, nullable=True),
        sa.Column("cache_hit", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("streamed", sa.Boolean, nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("raw_key_id", sa.String(64), nullable=False),
        sa.Column("raw_ciphertext", sa.LargeBinary, nullable=True),
        sa.UniqueConstraint("tenant", "request_id", name="uq_audit_records_tenant_request"),
        sa.UniqueConstraint("tenant", "seq", name="uq_audit_records_tenant_seq"),
    )
    op.create_index(
        "ix_audit_records_tenant_started", "audit_records", ["tenant", "started_at", "id"]
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_audit_checkpoints_tenant_seq", "audit_checkpoints", ["tenant", "seq"])
    op.create_table(
        "audit_dead_letters",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(256), nullable=False),
        sa.Column("request_id", sa.String(256), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit_access_log",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("api_key_id", sa.String(63), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("result_count", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_audit_access_log_tenant_at", "audit_access_log", ["tenant", "at"])
    op.create_table(
        "audit_subject_keys",
        sa.Column("key_id", sa.String(64), primary_key=True),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("subject", sa.String(256), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant", "subject", name="uq_audit_subject_keys_tenant_subject"),
    )
    op.create_table(
        "audit_legal_holds",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "audit_auditor_scopes",
        sa.Column("role_name", sa.String(63), primary_key=True),
        sa.Column("tenant", sa.String(63), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "audit_auditor_scopes",
        "audit_legal_holds",
        "audit_subject_keys",
        "audit_access_log",
        "audit_dead_letters",
        "audit_checkpoints",
        "audit_records",
    ):
        op.drop_table(table)
