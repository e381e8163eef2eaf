"""Build the control pieces of one process from config: store, plane, key resolution, follower.

Kept out of `modelgw.runtime` the way the audit pieces are (`audit/assembly.py`):
the runtime asks for "the resolver", "the live tenants" or "the control plane";
the closers list is the runtime's, so all of it stops with the process.

Which pieces a process builds depends on `services.control_address`: set, the
process follows a `Control` service over gRPC (keys and the change feed); empty,
it owns a control store itself (`[control] url`) and loads the config file's
tenants into it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc

from modelgw.audit.sink import AuditSink
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.internal_auth import InternalAuth
from modelgw.common.tenant import Tenants
from modelgw.control.change_audit import ChangeAudit
from modelgw.control.client import RemoteFeed, RemotePrincipalResolver
from modelgw.control.directory import TenantDirectory
from modelgw.control.key_admin import KeyAdmin
from modelgw.control.key_store import KeyStore
from modelgw.control.keys import CachedResolver, KeyDirectory
from modelgw.control.plane import TenantPlane
from modelgw.control.store import ControlStore
from modelgw.control.sync import Feed, LiveTenants, StoreFeed, SyncStatus

Closer = Callable[[], Awaitable[None]]
FIRST_SYNC_S = 10.0
"""How long a gateway that follows a remote control plane waits for it at start."""


class ControlParts:
    def __init__(
        self,
        config: ModelgwConfig,
        closers: list[Closer],
        channel: Callable[[str], grpc.aio.Channel],
        internal: InternalAuth,
        change_sink: Callable[[], Awaitable[AuditSink]],
    ) -> None:
        """`change_sink`: where admin changes are audited (asked once, when the plane opens)."""
        self._config = config
        self._closers = closers
        self._channel = channel
        self._internal = internal
        self._change_sink = change_sink
        self._declared = TenantDirectory(config)
        self._store: ControlStore | None = None
        self._plane: tuple[TenantPlane, KeyAdmin] | None = None
        self._resolver: CachedResolver | None = None
        self._live: LiveTenants | None = None

    @property
    def remote(self) -> str | None:
        return self._config.services.control_address

    def declared_keys(self) -> TenantDirectory:
        return self._declared

    def store(self) -> ControlStore:
        """The store of tenant versions and issued keys (opened by `plane`)."""
        if self._store is None:
            store = ControlStore.from_config(self._config.control)
            self._closers.append(store.close)
            self._store = store
        return self._store

    def key_directory(self) -> KeyDirectory:
        """Keys of the config file and of the control store, uncached."""
        return KeyDirectory(self._declared, KeyStore(self.store()))

    def resolver(self) -> CachedResolver:
        """One per process, its cache emptied key by key by the change feed (`live`)."""
        if self._resolver is None:
            inner: RemotePrincipalResolver | KeyDirectory
            if self.remote:
                inner = RemotePrincipalResolver(self._channel(self.remote), self._internal)
            else:
                inner = self.key_directory()
            self._resolver = CachedResolver(inner, self._config.control.key_cache_ttl_s)
        return self._resolver

    async def plane(self) -> tuple[TenantPlane, KeyAdmin]:
        """Open the store (migrating it if allowed) and load the config file's tenants."""
        if self._plane is None:
            store = self.store()
            await store.open(migrate_now=self._config.control.migrate_on_start)
            audit = ChangeAudit(await self._change_sink())
            plane = TenantPlane(self._config, store, audit)
            keys = KeyAdmin(self._config, store, KeyStore(store), audit)
            await plane.seed()
            self._plane = (plane, keys)
        return self._plane

    async def live(self, initial: Tenants) -> LiveTenants:
        """The tenants this process serves, following the control plane (started once);
        `initial` is served until the first read of the feed (or while it fails at start)."""
        if self._live is None:
            feed: Feed
            if self.remote:
                remote = RemoteFeed(self._channel(self.remote), self._internal)
                remote.start()
                self._closers.append(remote.close)
                feed = remote
            else:
                await self.plane()
                feed = StoreFeed(self.store())
            live = LiveTenants(
                feed,
                self._config,
                interval_s=self._config.control.sync_interval_s,
                on_keys=self.resolver().invalidate,
                initial=initial,
            )
            await live.start(first_sync_s=FIRST_SYNC_S if self.remote else 0.0)
            self._closers.append(live.close)
            self._live = live
        return self._live

    def following(self) -> LiveTenants | None:
        return self._live

    def status(self) -> SyncStatus | None:
        return self._live.status() if self._live is not None else None
