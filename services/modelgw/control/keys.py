"""Resolve API keys: the config file's keys, the control store's, and a cache in front.

The cache keeps key lookups off the database (or the network) on the request
path. Its entries go when the change feed names their key (a revocation, an
expiry, a rotation), when the key's own validity ends, or after the TTL,
whichever comes first; the TTL only bounds a notification that never came.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from modelgw.control.auth import PrincipalResolver
from modelgw.control.directory import Principal, TenantDirectory
from modelgw.control.key_store import KeyStore


class KeyDirectory:
    """Keys declared in the config file first, then keys issued through the admin API."""

    def __init__(
        self,
        declared: TenantDirectory,
        issued: KeyStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._declared = declared
        self._issued = issued
        self._clock = clock

    async def resolve(self, key_sha256: str) -> Principal | None:
        principal = await self._declared.resolve(key_sha256)
        if principal is not None:
            return principal
        key = await self._issued.resolve(key_sha256)
        if key is None or not key.valid_at(self._clock()):
            return None
        return Principal(key.tenant, key.key_id, key.roles, valid_until=key.expires_at)


class CachedResolver:
    """A resolver with a cache that the change feed can empty, key by key."""

    def __init__(
        self,
        inner: PrincipalResolver,
        ttl_s: float,
        *,
        clock: Callable[[], float] = time.time,
        max_entries: int = 10_000,
    ) -> None:
        self._inner = inner
        self._ttl_s = ttl_s
        self._clock = clock
        self._max_entries = max_entries
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._generation = 0

    async def resolve(self, key_sha256: str) -> Principal | None:
        now = self._clock()
        cached = self._cache.get(key_sha256)
        if cached is not None and cached[0] > now:
            return cached[1]
        generation = self._generation
        principal = await self._inner.resolve(key_sha256)
        if self._ttl_s <= 0 or generation != self._generation:
            # An invalidation arrived while we asked: what we got may predate it.
            return principal
        until = now + self._ttl_s
        if principal is not None and principal.valid_until is not None:
            until = min(until, principal.valid_until.timestamp())
        if len(self._cache) >= self._max_entries:
            self._cache.clear()
        self._cache[key_sha256] = (until, principal)
        return principal

    def invalidate(self, key_hashes: Iterable[str] | None = None) -> None:
        """Forget these keys (every key when `None`)."""
        self._generation += 1
        if key_hashes is None:
            self._cache.clear()
            return
        for key_hash in key_hashes:
            self._cache.pop(key_hash, None)
