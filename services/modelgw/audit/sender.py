"""Drain the spool to the audit store or the `Audit` service, in batches, until it is empty.

Delivery is at-least-once: the cursor moves only after the destination
confirmed a batch, and a batch replayed after a crash is harmless because
ingest is idempotent on (tenant, request id). While the destination is down
the sender retries with capped exponential backoff and the spool grows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Protocol

import grpc

from modelgw.api.v1 import audit_pb2, audit_pb2_grpc
from modelgw.audit.convert import record_from_pb
from modelgw.audit.metrics import AuditMetrics
from modelgw.audit.pacing import AT_ONCE, BACKGROUND, Pacing
from modelgw.audit.records import AuditRecord
from modelgw.audit.spool import Spool
from modelgw.audit.store import AppendResult, AuditStore
from modelgw.common.internal_auth import InternalAuth

log = logging.getLogger(__name__)

DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024
"""gRPC's default message limit, which `server.max_message_bytes` also defaults to."""
_REQUEST_OVERHEAD = 64 * 1024
"""Room for everything in a request besides the records (a generous margin)."""
_FIELD_OVERHEAD = 6
"""Tag and length prefix of one record inside `IngestRequest` (at most 1 + 5 bytes)."""


class BatchTarget(Protocol):
    async def deliver(self, payloads: Sequence[bytes], pacing: Pacing = AT_ONCE) -> AppendResult:
        """Store serialized `AuditRecord`s; raise if they may not have been stored.

        The receipt says how many were new, already stored (a replayed batch) or
        dead-lettered; every payload is one of the three. `pacing`: how work done on this
        process's event loop leaves it to others (see `audit.pacing`).
        """
        ...


class StoreTarget:
    """In one process (`modelgw serve`): straight into the store, on the event loop that
    serves requests, in parts (`pacing`)."""

    def __init__(self, store: AuditStore) -> None:
        self._store = store

    async def deliver(self, payloads: Sequence[bytes], pacing: Pacing = AT_ONCE) -> AppendResult:
        records: list[AuditRecord] = []
        for index, payload in enumerate(payloads, start=1):
            message = audit_pb2.AuditRecord()
            message.ParseFromString(payload)
            records.append(record_from_pb(message))
            await pacing.after(index)
        return await self._store.append(records, pacing=pacing)


class RemoteTarget:
    """A separate `modelgw audit` service, over its internal Ingest RPC.

    A batch goes in as many Ingest calls as it takes to keep each under the
    service's message size limit (`server.max_message_bytes`); a batch of
    large records in one call would be refused every time and stall the spool.
    A call that fails after earlier ones succeeded fails the whole batch, which
    is then redelivered: ingest is idempotent, so the stored part is skipped.
    """

    def __init__(
        self,
        channel: grpc.aio.Channel,
        auth: InternalAuth,
        timeout_s: float,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    ) -> None:
        self._stub = audit_pb2_grpc.AuditStub(channel)
        self._auth = auth
        self._timeout_s = timeout_s
        self._budget = max(1, max_request_bytes - _REQUEST_OVERHEAD)

    async def deliver(self, payloads: Sequence[bytes], pacing: Pacing = AT_ONCE) -> AppendResult:
        """`pacing` is not needed: the records are only framed here, the service stores them."""
        stored = duplicates = dead_lettered = 0
        for part in self._parts(payloads):
            request = audit_pb2.IngestRequest()
            for payload in part:
                request.records.add().ParseFromString(payload)
            reply = await self._stub.Ingest(
                request, timeout=self._timeout_s, metadata=self._auth.metadata
            )
            stored += reply.stored
            duplicates += reply.duplicates
            dead_lettered += reply.dead_lettered
        return AppendResult(stored, duplicates, dead_lettered)

    def _parts(self, payloads: Sequence[bytes]) -> list[list[bytes]]:
        """Consecutive runs of payloads whose encoded size stays within the budget."""
        parts: list[list[bytes]] = []
        size = 0
        for payload in payloads:
            framed = len(payload) + _FIELD_OVERHEAD
            if framed > self._budget:
                log.error(
                    "ALERT an audit record of %d bytes is larger than the audit service accepts "
                    "(server.max_message_bytes); it stays spooled, and delivery behind it waits, "
                    "until the limit of the audit service and this gateway is raised",
                    len(payload),
                )
            if not parts or size + framed > self._budget:
                parts.append([])
                size = 0
            parts[-1].append(payload)
            size += framed
        return parts


BEHIND_S = 0.25
"""How much older than `batch_wait_s` the oldest undelivered record may be before the
sender stops pausing for requests (`SpoolSender._pacing`)."""


class SpoolSender:
    def __init__(
        self,
        spool: Spool,
        target: BatchTarget,
        batch_size: int,
        retry_max_s: float,
        metrics: AuditMetrics | None = None,
        batch_wait_s: float = 0.0,
        behind_s: float = BEHIND_S,
    ) -> None:
        self._spool = spool
        self._metrics = metrics or AuditMetrics.off()
        self._target = target
        self._batch_size = batch_size
        self._retry_max_s = retry_max_s
        self._batch_wait_s = batch_wait_s
        self._behind_s = behind_s
        self._delivered = asyncio.Event()
        self._hurry = asyncio.Event()
        """Set while someone drains: deliver what is there without letting a batch fill."""
        self._draining = 0
        self.failures = 0
        """Consecutive failed deliveries (0 while healthy)."""

    async def run(self) -> None:
        backoff = 0.05
        while True:
            await self._spool.data_ready.wait()
            await self._let_batch_fill()
            payloads, position = await asyncio.to_thread(self._spool.read_batch, self._batch_size)
            if not payloads:
                if position != self._spool.cursor:
                    self._spool.ack(position)  # stepped over the end of a finished segment
                elif self._spool.pending_bytes() == 0:
                    self._spool.data_ready.clear()
                continue
            try:
                receipt = await self._target.deliver(payloads, self._pacing())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.failures += 1
                self._metrics.delivery_failed()
                log.warning(
                    "audit delivery failed (%s, attempt %d); %d bytes spooled, retrying in %.2fs",
                    _reason(exc),
                    self.failures,
                    self._spool.pending_bytes(),
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._retry_max_s)
                continue
            backoff, self.failures = 0.05, 0
            self._metrics.delivered(receipt, self._spool.oldest_unsent_age())
            _log_receipt(receipt)
            await asyncio.to_thread(self._spool.ack, position)
            self._delivered.set()

    def _pacing(self) -> Pacing:
        """Pauses for the requests on this loop while the spool keeps up (`BACKGROUND`);
        none while it is behind or someone drains it (`AT_ONCE`). Pausing at full load let
        the spool fall behind by ~0.7 MB a second (c=32, bare path): a sender must never
        trade the log's delivery for the gateway's throughput."""
        if self._draining or self._spool.oldest_unsent_age() > self._batch_wait_s + self._behind_s:
            return AT_ONCE
        return BACKGROUND

    async def _let_batch_fill(self) -> None:
        """Wait until the oldest undelivered record is `batch_wait_s` old, unless someone
        drains. Records that waited that long already (a backlog, a retry) go at once."""
        wait = self._batch_wait_s - self._spool.oldest_unsent_age()
        if wait <= 0 or self._draining:
            return
        self._hurry.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                await self._hurry.wait()

    async def drain(self, timeout_s: float) -> bool:
        """Wait until everything spooled before this call is delivered; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        self._draining += 1
        self._hurry.set()
        try:
            while self._spool.pending_bytes() > 0:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                self._delivered.clear()
                try:
                    await asyncio.wait_for(self._delivered.wait(), timeout=min(remaining, 0.5))
                except TimeoutError:
                    continue
            return True
        finally:
            self._draining -= 1


def _log_receipt(receipt: AppendResult) -> None:
    """Replays are expected after a crash; dead letters need an operator."""
    if receipt.duplicates:
        log.info("audit batch replayed: %d records were already stored", receipt.duplicates)
    if receipt.dead_lettered:
        log.error(
            "ALERT %d audit records were dead-lettered: see `modelgw audit dead-letters list`",
            receipt.dead_lettered,
        )


def _reason(exc: Exception) -> str:
    """What went wrong, without record content: a gRPC status says more than its class name
    (PERMISSION_DENIED is a wrong internal token, not an outage)."""
    if isinstance(exc, grpc.aio.AioRpcError):
        return f"{exc.code().name}: {exc.details()}"
    return type(exc).__name__
