"""The control tables: tenant versions, API keys, the change feed (SQLite and Postgres).

On Postgres, tenant versions and the change log are append-only (triggers
reject UPDATE, DELETE and TRUNCATE): history cannot be rewritten, only added
to, as a rollback does by writing an old document as a new version.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
_APPEND_ONLY = ("control_tenant_versions", "control_changes")


def upgrade() -> None:
    op.create_table(
        "control_tenant_versions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("based_on", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(140), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.UniqueConstraint("tenant", "version", name="uq_control_tenant_versions"),
    )
    op.create_table(
        "control_api_keys",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("key_id", sa.String(63), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("roles", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(140), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint(
            "tenant", "key_id", "generation", name="uq_control_api_keys_generation"
        ),
    )
    op.create_table(
        "control_changes",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant", sa.String(63), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("key_id", sa.String(63), nullable=True),
        sa.Column("key_hashes", sa.Text, nullable=False),
        sa.Column("actor", sa.String(140), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_control_changes_tenant", "control_changes", ["tenant", "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
CREATE FUNCTION control_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'control history is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$""")
    for table in _APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION control_reject_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION control_reject_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS control_reject_change()")
    for table in ("control_changes", "control_api_keys", "control_tenant_versions"):
        op.drop_table(table)
