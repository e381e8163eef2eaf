"""Alembic environment for the audit schema.

Migrations always run on a connection handed in by `modelgw.audit.migrate`
(`config.attributes["connection"]`), never from a URL in an ini file, so
the password stays a secret reference resolved by modelgw.
"""

from __future__ import annotations

from alembic import context

from modelgw.audit.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run audit migrations with `modelgw audit migrate`")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
