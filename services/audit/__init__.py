"""The audit log: one record per request, masked text only, queryable by auditors."""

from modelgw.audit.records import AuditQuery, AuditRecord
from modelgw.audit.store import AuditStore

__all__ = ["AuditQuery", "AuditRecord", "AuditStore"]
