"""The tenants a gateway serves, following the control plane's change feed.

`LiveTenants.current()` is what the front doors call once per request: one
attribute read of an immutable `Tenants` snapshot. A follower task replaces
that snapshot whole when a new version arrives, so a request keeps the
`Tenant` it resolved (and sees one version from start to end) while the next
request sees the new one; nothing on the request path waits for the control
plane or checks a version.

The follower reads the feed when the doorbell rings (a Postgres notification,
or the control service's watch stream) and at least every `interval_s` (the
backstop). When the control plane cannot be reached it keeps serving what it
has, says so once, and catches up when it can. A version this gateway cannot
serve (it names a provider this gateway does not have) is refused for this
gateway only: the tenant's previous version stays in force and the refusal is
logged as an ALERT and kept in the status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from modelgw.common.config.references import tenant_problems
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.tenant import Tenant, Tenants
from modelgw.control.doorbell import Doorbell
from modelgw.control.store import ControlStore, FeedUpdate, TenantVersion

log = logging.getLogger(__name__)


class Feed(Protocol):
    doorbell: Doorbell

    async def read(self, epoch: str, after: int) -> FeedUpdate: ...


class StoreFeed:
    """The feed of a control store in this process."""

    def __init__(self, store: ControlStore) -> None:
        self._store = store
        self.doorbell = store.doorbell

    async def read(self, epoch: str, after: int) -> FeedUpdate:
        return await self._store.feed(epoch, after)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What a gateway serves and how fresh it is (health detail, logs, metrics)."""

    versions: dict[str, int]
    change: int
    """The feed position this gateway has caught up to."""
    last_sync: datetime | None
    unreachable_since: datetime | None
    """Set while the control plane cannot be read: the versions above are the last good."""
    error: str = ""
    refused: dict[str, str] = field(default_factory=dict)
    """Tenant → why its newest version is not served here."""
    since: dict[str, datetime] = field(default_factory=dict)
    """Tenant → when this gateway started serving its current version."""


class LiveTenants:
    def __init__(
        self,
        feed: Feed,
        deployment: ModelgwConfig,
        *,
        interval_s: float,
        on_keys: Callable[[Iterable[str] | None], None] = lambda _hashes: None,
        initial: Tenants | None = None,
    ) -> None:
        self._feed = feed
        self._deployment = deployment
        self._interval_s = interval_s
        self._on_keys = on_keys
        self._tenants = initial or Tenants({})
        self._epoch = ""
        self._change = 0
        self._last_sync: datetime | None = None
        self._unreachable_since: datetime | None = None
        self._error = ""
        self._refused: dict[str, str] = {}
        self._since: dict[str, datetime] = {}
        self._swapped = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    # -- the request path ------------------------------------------------------------------
    def current(self) -> Tenants:
        return self._tenants

    # -- reporting -------------------------------------------------------------------------
    def versions(self) -> dict[str, int]:
        return {t.name: t.version for t in self._tenants.values()}

    def status(self) -> SyncStatus:
        return SyncStatus(
            self.versions(),
            self._change,
            self._last_sync,
            self._unreachable_since,
            self._error,
            dict(self._refused),
            dict(self._since),
        )

    # -- following ---------------------------------------------------------------------------
    async def start(self, *, first_sync_s: float = 10.0) -> None:
        """Catch up once (bounded), then follow in the background.

        A gateway whose control plane is down at start serves `initial` (its config file's
        tenants) and keeps trying; one in the control plane's process never waits.
        """
        deadline = time.monotonic() + first_sync_s
        answered = await self.sync_now()
        while not answered and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            answered = await self.sync_now()
        if self._unreachable_since is not None:
            log.error(
                "ALERT control plane unreachable at start (%s): serving %s until it answers",
                self._error,
                self.versions() or "no tenants",
            )
        self._task = asyncio.ensure_future(self._follow())
        self._task.set_name("tenant-sync")

    async def _follow(self) -> None:
        while True:
            token = self._feed.doorbell.token()
            await Doorbell.wait(token, self._interval_s)
            await self.sync_now()

    async def sync_now(self) -> bool:
        """Read the feed once and apply it; whether the control plane answered."""
        try:
            update = await self._feed.read(self._epoch, self._change)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if self._unreachable_since is None:
                self._unreachable_since = datetime.now(UTC)
                log.warning(
                    "control plane unreachable (%s): still serving tenant versions %s",
                    exc,
                    self.versions(),
                )
            self._error = f"{type(exc).__name__}: {exc}"
            return False
        if self._unreachable_since is not None:
            log.info("control plane reachable again; catching up")
        self._unreachable_since, self._error = None, ""
        self._last_sync = datetime.now(UTC)
        await self._apply(update)
        return True

    async def _apply(self, update: FeedUpdate) -> None:
        full = update.full or update.epoch != self._epoch
        served = {} if full else {t.name: t for t in self._tenants.values()}
        changed = False
        for version in update.tenants:
            before = self._tenants.get_or_none(version.tenant)
            if before is not None and before.version == version.version and not full:
                continue
            tenant = self._admit(version, before)
            if tenant is not None:
                served[version.tenant] = tenant
                if before is None or before.version != tenant.version:
                    changed = True
                    self._since[tenant.name] = datetime.now(UTC)
        if full or changed:
            self._tenants = Tenants(served)
        self._epoch, self._change = update.epoch, update.change
        if full:
            self._on_keys(None)
        elif update.key_hashes:
            self._on_keys(update.key_hashes)
        async with self._swapped:
            self._swapped.notify_all()

    def _admit(self, version: TenantVersion, before: Tenant | None) -> Tenant | None:
        """The version as a `Tenant`, or the one served before if this gateway cannot serve it."""
        config = self._deployment
        problems = tenant_problems("", version.document.config, config.providers, config.models)
        if problems:
            reason = f"version {version.version}: " + "; ".join(problems)
            if self._refused.get(version.tenant) != reason:
                log.error(
                    "ALERT tenant %s %s; still serving %s",
                    version.tenant,
                    reason,
                    f"version {before.version}" if before else "nothing for it",
                )
            self._refused[version.tenant] = reason
            return before
        self._refused.pop(version.tenant, None)
        if before is None or before.version != version.version:
            log.info(
                "tenant %s: serving version %d (was %s)",
                version.tenant,
                version.version,
                before.version if before else "none",
            )
        audit = config.audit
        return Tenant(
            name=version.tenant,
            config=version.document.config,
            on_spool_full=audit.tenant_on_spool_full.get(version.tenant, audit.on_spool_full),
            version=version.version,
        )

    async def wait_for(self, tenant: str, version: int, timeout_s: float) -> bool:
        """Until this gateway serves `version` (or later) of `tenant`; whether it does."""

        def served() -> bool:
            found = self._tenants.get_or_none(tenant)
            return found is not None and found.version >= version

        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s), self._swapped:
                await self._swapped.wait_for(served)
        return served()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
