"""Tools, structured output and embeddings: what was sent beyond messages, and what kind of
request a record is.

`operation` (`chat` or `embeddings`), the masked tool definitions, the request's tool
choice / parallel calls / response format, and the answer's masked tool calls. Each has a
default at which the hash chain leaves it out (`chain._ADDED_LATER`), so records stored
before this revision still verify.

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_records") as table:
        table.add_column(
            sa.Column("operation", sa.String(16), nullable=False, server_default="chat")
        )
        table.add_column(sa.Column("masked_tools", sa.JSON(), nullable=False, server_default="[]"))
        table.add_column(
            sa.Column("request_options", sa.JSON(), nullable=False, server_default="{}")
        )
        table.add_column(
            sa.Column("masked_tool_calls", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_records") as table:
        table.drop_column("masked_tool_calls")
        table.drop_column("request_options")
        table.drop_column("masked_tools")
        table.drop_column("operation")
