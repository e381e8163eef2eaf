"""Alembic environment for the control schema.

Its own migration set and version table (`control_alembic_version`), so the
control tables can share a database with the audit tables and each schema
moves on its own. Migrations run on a connection handed in by
`modelgw.control.migrate`, never from a URL in an ini file.
"""

from __future__ import annotations

from alembic import context

from modelgw.control.migrate import VERSION_TABLE
from modelgw.control.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run control migrations with `modelgw control migrate`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()
