"""Postgres guards: append-only triggers, the app and auditor roles, row-level security.

The roles are cluster-wide and may already exist (another database of the
same cluster), so they are created only if missing. The app role gets INSERT
and SELECT and owns nothing; the auditor role gets SELECT, filtered by RLS to
the tenants of the scope roles the current user holds (`audit_auditor_scopes`),
computed once per query (an InitPlan), not per row.
Retention purges are the one sanctioned DELETE: only a role with DELETE
(the owner) that also sets `modelgw.audit_purge = on` in its transaction.
SQLite (the embedded default) gets none of this.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-01
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APP_ROLE = "modelgw_audit_app"
AUDITOR_ROLE = "modelgw_auditor"
_APPEND_ONLY = ("audit_records", "audit_checkpoints", "audit_dead_letters", "audit_access_log")
_SCOPED = ("audit_records", "audit_checkpoints")


def _create_role(name: str) -> str:
    return f"""
DO $$ BEGIN
  CREATE ROLE {name} NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_create_role(APP_ROLE))
    op.execute(_create_role(AUDITOR_ROLE))
    op.execute("""
CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_records'
     AND current_setting('modelgw.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$""")
    for table in _APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_reject_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()"
        )
        op.execute(f"GRANT SELECT, INSERT ON {table} TO {APP_ROLE}")
        op.execute(f"GRANT USAGE ON SEQUENCE {table}_id_seq TO {APP_ROLE}")
    op.execute("GRANT USAGE ON SCHEMA public TO modelgw_audit_app, modelgw_auditor")
    op.execute(f"GRANT SELECT, INSERT ON audit_subject_keys TO {APP_ROLE}")
    op.execute(f"GRANT SELECT ON audit_legal_holds, audit_auditor_scopes TO {APP_ROLE}")
    op.execute(
        f"GRANT SELECT ON audit_records, audit_checkpoints, audit_auditor_scopes TO {AUDITOR_ROLE}"
    )
    for table in _SCOPED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_app ON {table} TO {APP_ROLE} USING (true) WITH CHECK (true)"
        )
        op.execute(
            f"CREATE POLICY {table}_auditor_scope ON {table} FOR SELECT TO {AUDITOR_ROLE} "  # noqa: S608
            "USING (tenant = ANY (ARRAY(SELECT s.tenant FROM audit_auditor_scopes s "
            "WHERE pg_has_role(current_user, s.role_name, 'USAGE'))))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _SCOPED:
        op.execute(f"DROP POLICY IF EXISTS {table}_auditor_scope ON {table}")
        op.execute(f"DROP POLICY IF EXISTS {table}_app ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table in _APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS audit_reject_change()")
