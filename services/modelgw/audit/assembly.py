"""Build the audit pieces of one process from config: store, spool, sender, checkpointer.

Kept out of `modelgw.runtime` so the runtime only asks for "the audit sink" or
"the audit store"; the closers list is the runtime's, so everything built
here is stopped with the rest of the process (sender drained first).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc

from modelgw.audit.checkpoints import Signer, Verifier, run_checkpointer
from modelgw.audit.crypto import TenantKeys
from modelgw.audit.handlers import Drain
from modelgw.audit.metrics import AuditMetrics
from modelgw.audit.pseudonyms import Pseudonyms
from modelgw.audit.sender import BatchTarget, RemoteTarget, SpoolSender, StoreTarget
from modelgw.audit.sink import (
    AuditSink,
    RecordGuard,
    RemoteAuditSink,
    SpoolAuditSink,
    StoreAuditSink,
)
from modelgw.audit.spool import Spool
from modelgw.audit.store import AuditStore
from modelgw.common.config.loader import ConfigError
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.internal_auth import InternalAuth

log = logging.getLogger(__name__)

Closer = Callable[[], Awaitable[None]]
DRAIN_BEFORE_READ_S = 5.0


def spool_directory(config: ModelgwConfig, parent: str | None = None) -> Path:
    """One spool per destination, so records never reach a store they were not meant for.

    `parent` replaces `audit.spool.directory` (a spool volume mounted elsewhere, e.g. a
    scaled-down gateway's claim drained by a Job).
    """
    destination = config.services.audit_address or config.audit.url
    digest = hashlib.sha256(destination.encode()).hexdigest()[:16]
    return Path(parent or config.audit.spool.directory) / digest


def open_spool(config: ModelgwConfig, parent: str | None = None) -> Spool:
    """Open (create, lock) this config's spool; an unusable directory is a config error."""
    directory = spool_directory(config, parent)
    spool = Spool(directory, config.audit.spool.segment_bytes)
    try:
        spool.open()
    except OSError as exc:
        raise ConfigError(
            f"audit.spool.directory: cannot use {directory.resolve()}: {exc.strerror}; "
            "it must be a writable absolute path (in a container: on a volume)"
        ) from None
    return spool


class AuditParts:
    def __init__(
        self, config: ModelgwConfig, closers: list[Closer], metrics: AuditMetrics | None = None
    ) -> None:
        self._config = config
        self._closers = closers
        self._metrics = metrics or AuditMetrics.off()
        self._store: AuditStore | None = None
        self._signer: Signer | None = None
        self._sender: SpoolSender | None = None
        self._local_sender = False
        self._pseudonyms: Pseudonyms | None = None

    async def store(self) -> AuditStore:
        if self._store is None:
            store = AuditStore.from_config(self._config.audit)
            self._closers.append(store.close)
            await store.open_schema(
                migrate_now=self._config.audit.migrate_on_start, tenants=list(self._config.tenants)
            )
            self._store = store
        return self._store

    def signer(self) -> Signer | None:
        if self._signer is None and self._config.audit.signing_key:
            self._signer = Signer.from_reference(self._config.audit.signing_key)
        return self._signer

    def verifier(self) -> Verifier:
        return Verifier.of(self.signer(), self._config.audit.checkpoint_public_keys)

    def _task(self, coroutine: Awaitable[None], name: str) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coroutine)
        task.set_name(name)

        async def stop() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        self._closers.append(stop)
        return task

    def start_checkpointer(self, store: AuditStore) -> None:
        signer = self.signer()
        if signer is None:
            log.warning("audit.signing_key is not set: chain checkpoints are not signed")
            return
        interval = self._config.audit.checkpoint_interval_s
        self._task(run_checkpointer(store.engine, signer, interval), "audit-checkpointer")

    def pseudonyms(self) -> Pseudonyms:
        """One key for the sink (writes pseudonyms) and the Audit service (hashes filters)."""
        if self._pseudonyms is None:
            self._pseudonyms = Pseudonyms.from_config(self._config.audit)
        return self._pseudonyms

    def guard(self) -> RecordGuard:
        """What every record goes through on its way out of the gateway: pseudonyms for end
        users and sessions, raw content sealed for tenants that keep it."""
        return RecordGuard(
            self.pseudonyms(), TenantKeys.from_config(self._config.audit.raw_content)
        )

    async def sink(self, channel: grpc.aio.Channel | None, internal: InternalAuth) -> AuditSink:
        audit = self._config.audit
        guard = self.guard()
        if not audit.spool.enabled:
            if channel is not None:
                return RemoteAuditSink(channel, internal, timeout_s=5.0, guard=guard)
            return StoreAuditSink(await self.store(), guard)
        target: BatchTarget
        if channel is not None:
            limit = self._config.server.max_message_bytes
            target = RemoteTarget(channel, internal, timeout_s=30.0, max_request_bytes=limit)
        else:
            target = StoreTarget(await self.store())
            self._local_sender = True
        spool = open_spool(self._config)
        self._metrics.observe_spool(spool)
        sender = SpoolSender(
            spool,
            target,
            audit.spool.batch_size,
            audit.spool.retry_max_s,
            self._metrics,
            batch_wait_s=audit.spool.batch_wait_s,
        )
        self._sender = sender
        task = asyncio.ensure_future(sender.run())
        task.set_name("audit-spool-sender")

        async def close_spool() -> None:
            """Deliver what is spooled (bounded), stop the sender, release the directory."""
            if not task.done() and not await sender.drain(audit.spool.drain_on_stop_s):
                log.warning(
                    "audit spool not fully delivered at stop (%d bytes kept in %s for next start)",
                    spool.pending_bytes(),
                    spool.directory,
                )
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            spool.close()

        self._closers.append(close_spool)
        return SpoolAuditSink(spool, audit, guard)

    def local_drain(self) -> Drain | None:
        """For the audit service in the gateway's process: deliver the spool before reading."""
        sender = self._sender
        if sender is None or not self._local_sender:
            return None

        async def drain() -> None:
            await sender.drain(DRAIN_BEFORE_READ_S)

        return drain
