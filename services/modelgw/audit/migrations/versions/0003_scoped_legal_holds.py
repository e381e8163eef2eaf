"""Legal holds scoped to one end user and/or a time range (NULL: the whole tenant, all time).

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_legal_holds") as table:
        table.add_column(sa.Column("end_user", sa.String(256), nullable=True))
        table.add_column(sa.Column("since", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_legal_holds") as table:
        table.drop_column("until")
        table.drop_column("since")
        table.drop_column("end_user")
