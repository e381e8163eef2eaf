"""The audit log: one record per request, masked text only, queryable by auditors.

Import from the modules (`modelgw.audit.records`, `modelgw.audit.store`): this package
re-exports nothing, so a process that only builds records (a gateway sending them to a
remote audit service) does not load SQLAlchemy (about 1 s and 40 MB) on import.
"""
