"""How the gateway hands audit records on: straight to a store, or to the `Audit` service."""

from __future__ import annotations

from typing import Protocol

import grpc
from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.convert import record_to_pb
from modelgw.audit.records import AuditRecord
from modelgw.audit.store import AuditStore
from modelgw.common.errors import Unavailable
from modelgw.control.auth import InternalAuth


class AuditSink(Protocol):
    async def record(self, record: AuditRecord) -> None:
        """Persist one record; raise `Unavailable` if it could not be stored."""
        ...


class StoreAuditSink:
    def __init__(self, store: AuditStore) -> None:
        self._store = store

    async def record(self, record: AuditRecord) -> None:
        try:
            await self._store.append([record])
        except Exception as exc:
            raise Unavailable(f"audit store unavailable ({type(exc).__name__})") from exc


class RemoteAuditSink:
    def __init__(self, channel: grpc.aio.Channel, auth: InternalAuth, timeout_s: float) -> None:
        self._stub = audit_pb2_grpc.AuditStub(channel)
        self._auth = auth
        self._timeout_s = timeout_s

    async def record(self, record: AuditRecord) -> None:
        request = audit_pb2.IngestRequest(records=[record_to_pb(record)])
        try:
            await self._stub.Ingest(request, timeout=self._timeout_s, metadata=self._auth.metadata)
        except grpc.aio.AioRpcError as exc:
            raise Unavailable(f"audit service unavailable ({exc.code().name})") from None
