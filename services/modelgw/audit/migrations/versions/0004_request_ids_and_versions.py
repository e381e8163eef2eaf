"""The gateway's request id is the key; the caller's own id, the tenant config version and
the masked stop strings are recorded beside it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_records") as table:
        table.add_column(
            sa.Column("client_request_id", sa.String(128), nullable=False, server_default="")
        )
        table.add_column(
            sa.Column("tenant_version", sa.Integer(), nullable=False, server_default="1")
        )
        table.add_column(sa.Column("masked_stop", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("audit_records") as table:
        table.drop_column("masked_stop")
        table.drop_column("tenant_version")
        table.drop_column("client_request_id")
