"""How the gateway hands audit records on: to the durable spool, or directly to a store/service.

The pipeline calls `admit` before doing any work for a tenant (so a full spool
refuses requests up front, by the tenant's policy) and `record` once per
request; `record` returning means the record is durable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Protocol

import grpc

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.convert import record_to_pb
from modelgw.audit.crypto import RawContent, TenantKeys
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.records import AuditRecord
from modelgw.audit.spool import Spool
from modelgw.audit.store import AuditStore
from modelgw.common.config.audit import AuditConfig, SpoolFullAction
from modelgw.common.errors import ResourceExhausted, Unavailable
from modelgw.common.internal_auth import InternalAuth
from modelgw.common.tenant import Tenant

log = logging.getLogger(__name__)


class AuditSink(Protocol):
    def admit(self, tenant: Tenant) -> None:
        """Raise `ResourceExhausted` if this tenant's requests must be refused for now."""
        ...

    async def record(self, record: AuditRecord, raw: RawContent | None = None) -> None:
        """Persist one record durably; raise `Unavailable` if it could not be.

        `raw` is the original content: kept (sealed under the tenant's key) only for
        tenants configured to keep raw content, dropped for every other tenant.
        """
        ...


@dataclass(frozen=True, slots=True)
class RecordGuard:
    """What every record goes through before it leaves the gateway, whichever the sink:
    caller identifiers pseudonymised, raw content sealed (only for tenants keeping it).
    Done here, once, so the spool, the Ingest call and the store never see either clear."""

    pseudonyms: Pseudonyms
    keys: TenantKeys = field(default_factory=lambda: TenantKeys({}))

    def __call__(self, record: AuditRecord, raw: RawContent | None) -> AuditRecord:
        record = self.pseudonyms.record(record)
        if raw is None or not self.keys.keeps_raw(record.tenant):
            return record
        sealed = self.keys.seal_for_transport(record.tenant, record.request_id, raw)
        return replace(record, sealed_raw=sealed)


class StoreAuditSink:
    """Synchronous write to the store (no spool): a store outage fails the request."""

    def __init__(self, store: AuditStore, guard: RecordGuard) -> None:
        self._store = store
        self._guard = guard

    def admit(self, tenant: Tenant) -> None:
        return None

    async def record(self, record: AuditRecord, raw: RawContent | None = None) -> None:
        try:
            await self._store.append([self._guard(record, raw)])
        except Exception as exc:
            raise Unavailable(f"audit store unavailable ({type(exc).__name__})") from exc


class RemoteAuditSink:
    """Synchronous Ingest call to the audit service (no spool)."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        auth: InternalAuth,
        timeout_s: float,
        guard: RecordGuard,
    ) -> None:
        self._stub = audit_pb2_grpc.AuditStub(channel)
        self._auth = auth
        self._timeout_s = timeout_s
        self._guard = guard

    def admit(self, tenant: Tenant) -> None:
        return None

    async def record(self, record: AuditRecord, raw: RawContent | None = None) -> None:
        request = audit_pb2.IngestRequest(records=[record_to_pb(self._guard(record, raw))])
        try:
            await self._stub.Ingest(request, timeout=self._timeout_s, metadata=self._auth.metadata)
        except grpc.aio.AioRpcError as exc:
            raise Unavailable(f"audit service unavailable ({exc.code().name})") from None


class SpoolAuditSink:
    """Append + fsync to the local spool; a `SpoolSender` delivers in the background."""

    def __init__(self, spool: Spool, config: AuditConfig, guard: RecordGuard) -> None:
        self._spool = spool
        self._config = config
        self._guard = guard

    def admit(self, tenant: Tenant) -> None:
        pending = self._spool.pending_bytes()
        if pending < self._config.spool.max_bytes:
            return
        if tenant.on_spool_full is SpoolFullAction.REFUSE:
            raise ResourceExhausted("the audit log cannot keep up (its spool is full); retry later")
        log.error(
            "ALERT audit spool full (%d bytes): tenant %s continues by policy, spool keeps growing",
            pending,
            tenant.name,
        )

    async def record(self, record: AuditRecord, raw: RawContent | None = None) -> None:
        payload = record_to_pb(self._guard(record, raw)).SerializeToString()
        try:
            await self._spool.append(payload)
        except OSError as exc:
            raise Unavailable(f"audit spool cannot write ({exc.strerror})") from exc
