"""Counters in Redis, shared by every gateway replica.

One Lua script checks every limit of a reservation and increments all or
none, so concurrent requests (on any replica) can never overshoot a limit.
Each limit's counter is one hash of buckets under
`<prefix>:<tenant>:<scope>:<limit>`: the script sums the buckets still in the
window, drops older ones, and adds the charge to the bucket of now. The
tenant is in every key; every key expires soon after its last bucket would
leave the window.

Buckets come from the gateway's clock (passed in, so it can be injected in
tests); replicas whose clocks differ by a few milliseconds may disagree
about a bucket only at its edge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from modelgw.gateway.quotas.limits import Limit
from modelgw.gateway.quotas.store import Charge, Hold, QuotaStoreError, Refusal

# KEYS[i]: a limit's hash of buckets. ARGV[5i-4..5i]: amount, limit, bucket of now, oldest
# bucket still counted, TTL in seconds. Returns {0, used 1, used 2, ...} (each counter after
# its charge, for the headroom metric) when every counter took its charge,
# else {i, b}: the 1-based index of the first full limit and the bucket whose leaving the
# window makes room (-1: none can).
_RESERVE = """
local totals = {}
for i = 1, #KEYS do
  local base = 5 * (i - 1)
  local amount = tonumber(ARGV[base + 1])
  local limit = tonumber(ARGV[base + 2])
  local oldest = tonumber(ARGV[base + 4])
  local fields = redis.call('HGETALL', KEYS[i])
  local used = 0
  local kept = {}
  for f = 1, #fields, 2 do
    local bucket = tonumber(fields[f])
    if bucket < oldest then
      redis.call('HDEL', KEYS[i], fields[f])
    else
      local value = tonumber(fields[f + 1])
      used = used + value
      kept[#kept + 1] = {bucket, value}
    end
  end
  totals[i] = used + amount
  if used + amount > limit then
    table.sort(kept, function(a, b) return a[1] < b[1] end)
    local need = used + amount - limit
    local freed = 0
    for _, entry in ipairs(kept) do
      freed = freed + entry[2]
      if freed >= need then
        return {i, entry[1]}
      end
    end
    return {i, -1}
  end
end
for i = 1, #KEYS do
  local base = 5 * (i - 1)
  redis.call('HINCRBY', KEYS[i], ARGV[base + 3], ARGV[base + 1])
  redis.call('EXPIRE', KEYS[i], ARGV[base + 5])
end
local reply = {0}
for i = 1, #KEYS do
  reply[i + 1] = totals[i]
end
return reply
"""

# KEYS[i]: a limit's hash; ARGV[2i-1]: bucket, ARGV[2i]: delta. Never below zero; a bucket
# already dropped stays gone.
_ADJUST = """
for i = 1, #KEYS do
  local bucket = ARGV[2 * i - 1]
  if redis.call('HEXISTS', KEYS[i], bucket) == 1 then
    local value = redis.call('HINCRBY', KEYS[i], bucket, ARGV[2 * i])
    if value < 0 then
      redis.call('HSET', KEYS[i], bucket, 0)
    end
  end
end
return {0}
"""


class RedisQuotaStore:
    def __init__(self, client: Redis, *, key_prefix: str, timeout_s: float) -> None:
        self._redis = client
        self._prefix = key_prefix
        self._timeout_s = timeout_s
        self._reserve = client.register_script(_RESERVE)
        self._adjust = client.register_script(_ADJUST)

    def key(self, tenant: str, limit: Limit) -> str:
        return f"{self._prefix}:{tenant}:{limit.scope}:{limit.name}"

    async def reserve(
        self, tenant: str, charges: Sequence[Charge], now: float
    ) -> tuple[Hold, ...] | Refusal:
        holds = tuple(Hold(c.limit, c.limit.window.bucket(now), c.amount) for c in charges)
        keys = [self.key(tenant, h.limit) for h in holds]
        args: list[int] = []
        for hold in holds:
            window = hold.limit.window
            args += [hold.amount, hold.limit.value, hold.bucket, window.oldest(now)]
            args.append(window.ttl_s(now))
        reply = await self._call(self._reserve, keys, args)
        if reply[0]:
            limit = holds[reply[0] - 1].limit
            frees = reply[1] if reply[1] >= 0 else None
            return Refusal(limit, limit.retry_after_s(frees, now))
        used = reply[1:]
        return tuple(replace(hold, used=n) for hold, n in zip(holds, used, strict=True))

    async def adjust(self, tenant: str, changes: Sequence[tuple[Hold, int]]) -> None:
        if not changes:
            return
        keys = [self.key(tenant, hold.limit) for hold, _ in changes]
        args = [n for hold, delta in changes for n in (hold.bucket, delta)]
        await self._call(self._adjust, keys, args)

    async def _call(self, script: AsyncScript, keys: list[str], args: list[int]) -> list[int]:
        """Run a script; both answer with a list of integers."""
        try:
            async with asyncio.timeout(self._timeout_s):
                reply = await script(keys=keys, args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            raise QuotaStoreError(f"{type(exc).__name__}: {exc}") from exc
        return [int(n) for n in reply]

    async def close(self) -> None:
        await self._redis.aclose()
