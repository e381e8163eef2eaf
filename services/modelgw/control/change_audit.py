"""Admin changes in the audit log, beside the requests, where compliance staff look.

The control store's change log is the full record (with the admin's message);
each change is also written to the audit log as a record of the tenant it
changed, in that tenant's hash chain: `backend` and `provider_type` are
`control`, `route_reason` says what changed (`tenant.apply: version 4 -> 5,
digest ...`), `api_key_id` names the admin (`platform:KEY` for a platform
admin), `tenant_version` is the version in force after the change and
`client_request_id` is `change-<id>` in the change log. `modelgw audit query
--provider control` with the tenant's auditor key lists them. The admin's
free-text message is not copied: it is not checked for personal data, and the
change log keeps it.
"""

from __future__ import annotations

import logging
import uuid

from modelgw.audit.records import AuditRecord
from modelgw.audit.sink import AuditSink
from modelgw.control.store import Change

log = logging.getLogger(__name__)

CONTROL = "control"


def change_record(change: Change, version: int, detail: str) -> AuditRecord:
    return AuditRecord(
        request_id=uuid.uuid4().hex,
        client_request_id=f"change-{change.id}",
        tenant=change.tenant,
        tenant_version=version,
        api_key_id=change.actor[:63],
        started_at=change.at,
        finished_at=change.at,
        model="",
        status="OK",
        backend=CONTROL,
        provider_type=CONTROL,
        route_reason=f"{change.kind}: {detail}",
    )


class ChangeAudit:
    """Writes each admin change to the audit log; a failure is an alert, never an undo."""

    def __init__(self, sink: AuditSink | None) -> None:
        self._sink = sink

    async def record(self, change: Change, version: int, detail: str) -> None:
        if self._sink is None:
            return
        try:
            await self._sink.record(change_record(change, version, detail))
        except Exception as exc:
            # The change is committed and in the control store's change log already.
            log.error(
                "ALERT admin change %d (%s on tenant %s) is not in the audit log: %s",
                change.id,
                change.kind,
                change.tenant,
                exc,
            )
