"""Counters in Redis, shared by every gateway replica.

One Lua script checks every limit of a reservation and increments all or
none, so concurrent requests (on any replica) can never overshoot a limit.
Keys are `<prefix>:<tenant>:<limit>:<window start>`: the tenant is in every
key, and each key expires soon after its window ends.

Window starts come from the gateway's clock (passed in, so it can be
injected in tests); replicas whose clocks differ by a few milliseconds may
disagree about a window only at its edge.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import replace

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from modelgw.gateway.quotas.store import Charge, Hold, QuotaStoreError, Refusal

# KEYS[i]: counter; ARGV[3i-2]: amount, ARGV[3i-1]: limit, ARGV[3i]: TTL in seconds.
# Returns {0, counter 1 after, counter 2 after, ...} when every counter was incremented,
# else {the 1-based index of the first full one}.
_RESERVE = """
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + tonumber(ARGV[3 * i - 2]) > tonumber(ARGV[3 * i - 1]) then
    return {i}
  end
end
local after = {0}
for i = 1, #KEYS do
  after[i + 1] = redis.call('INCRBY', KEYS[i], ARGV[3 * i - 2])
  if redis.call('TTL', KEYS[i]) < 0 then
    redis.call('EXPIRE', KEYS[i], ARGV[3 * i])
  end
end
return after
"""

# KEYS[i]: counter; ARGV[i]: delta. Never below zero; a counter already expired stays gone.
_ADJUST = """
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    local value = redis.call('INCRBY', KEYS[i], ARGV[i])
    if value < 0 then
      redis.call('INCRBY', KEYS[i], -value)
    end
  end
end
return 0
"""

_EXPIRY_SLACK_S = 60
"""Keys outlive their window a little, so a late reconcile still finds its counter."""


class RedisQuotaStore:
    def __init__(self, client: Redis, *, key_prefix: str, timeout_s: float) -> None:
        self._redis = client
        self._prefix = key_prefix
        self._timeout_s = timeout_s
        self._reserve = client.register_script(_RESERVE)
        self._adjust = client.register_script(_ADJUST)

    def key(self, tenant: str, limit: str, window: int) -> str:
        return f"{self._prefix}:{tenant}:{limit}:{window}"

    async def reserve(
        self, tenant: str, charges: Sequence[Charge], now: float
    ) -> tuple[Hold, ...] | Refusal:
        holds = tuple(Hold(c.limit, c.limit.window(now), c.amount) for c in charges)
        keys = [self.key(tenant, h.limit.name, h.window) for h in holds]
        args: list[int] = []
        for hold in holds:
            ttl = math.ceil(hold.window + hold.limit.window_s - now) + _EXPIRY_SLACK_S
            args += [hold.amount, hold.limit.value, ttl]
        full, *after = await self._call(self._reserve, keys, args)
        if full:
            hold = holds[full - 1]
            return Refusal(hold.limit, hold.limit.retry_after_s(hold.window, now))
        return tuple(replace(hold, used=used) for hold, used in zip(holds, after, strict=True))

    async def adjust(self, tenant: str, changes: Sequence[tuple[Hold, int]]) -> None:
        if not changes:
            return
        keys = [self.key(tenant, hold.limit.name, hold.window) for hold, _ in changes]
        await self._call(self._adjust, keys, [delta for _, delta in changes])

    async def _call(self, script: AsyncScript, keys: list[str], args: list[int]) -> list[int]:
        """Run a script; each returns an integer or a list of them."""
        try:
            async with asyncio.timeout(self._timeout_s):
                result = await script(keys=keys, args=args)
                return [int(v) for v in result] if isinstance(result, list) else [int(result)]
        except (RedisError, OSError, TimeoutError) as exc:
            raise QuotaStoreError(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        await self._redis.aclose()
