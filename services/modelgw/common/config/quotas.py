"""Quotas: how much each tenant may use, and where the counts are kept.

A tenant's limits (`[tenants.NAME.quotas]`) are data about the tenant; the
store that counts against them (`[quotas]`) is a property of the deployment.
No limit set means unlimited, so configs without quotas behave as before.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from modelgw.common.config.base import StrictModel
from modelgw.common.config.redis import RedisConnection


class Limits(StrictModel):
    """Rate limits over sliding windows and spend budgets over calendar periods; every limit
    left out is unlimited.

    A per-minute or per-day limit counts what was admitted in the last 60 s (or 24 h),
    kept in 20 buckets of a twentieth of the window each, and counts the bucket in
    progress in full: a burst at any edge can never pass the limit within any span of the
    window, and a caller waits at most a bucket longer than the window to be admitted
    again. Budgets are money and money is accounted per calendar period (the UTC day, the
    calendar month): a month's budget is the month's bill.

    Tokens are prompt plus completion tokens as the backend reports them; spend is priced
    from the answering provider's `prices` (a backend without a price costs nothing).
    """

    requests_per_minute: int | None = Field(default=None, gt=0)
    """Requests admitted in any 60 seconds."""
    tokens_per_minute: int | None = Field(default=None, gt=0)
    """Prompt + completion tokens in any 60 seconds."""
    tokens_per_day: int | None = Field(default=None, gt=0)
    """Prompt + completion tokens in any 24 hours."""
    usd_per_day: float | None = Field(default=None, gt=0)
    """Spend in USD per UTC day."""
    usd_per_month: float | None = Field(default=None, gt=0)
    """Spend in USD per calendar month (UTC)."""


class TenantQuotas(Limits):
    """The tenant's own limits, and the limits each of its keys and end users has on its own.

    A request counts against every limit that applies to it, all or none: the tenant's,
    its key's, and its end user's (`caller.end_user`; a request without one has no
    end-user limits).
    """

    per_key: Limits = Field(default_factory=Limits)
    """Limits of each API key of the tenant, each key counted apart."""
    per_end_user: Limits = Field(default_factory=Limits)
    """Limits of each end user of the tenant, each counted apart (by a hash of the id)."""


class QuotaStoreBackend(StrEnum):
    MEMORY = "memory"
    """Counts in this process only: right for `modelgw serve`, wrong for several replicas."""
    REDIS = "redis"
    """Counts shared by every gateway replica (production)."""


class QuotaStoreDown(StrEnum):
    """What happens to a request of a tenant with limits when the quota store cannot answer."""

    REFUSE = "refuse"
    """Fail closed: UNAVAILABLE, nothing is sent to a backend."""
    CONTINUE = "continue"
    """Fail open: the request passes unmetered and an `ALERT` line is logged."""


class QuotaConfig(RedisConnection):
    store: QuotaStoreBackend = QuotaStoreBackend.MEMORY
    key_prefix: str = Field(default="modelgw:quota:v2", min_length=1)
    """Keys are `<key_prefix>:<tenant>:<scope>:<limit>` (scope `tenant`, `key:<id>` or
    `user:<hash>`), each a hash of buckets."""
    timeout_ms: int = Field(default=1000, ge=10, le=10_000)
    """Longest a request waits for the store before it counts as unreachable. The wait is
    measured on the gateway's event loop, which at saturation runs each step late: at 250 ms
    a loaded gateway at 128 callers refused 21 of 858 requests as if Redis were down
    (`make bench-gateway`). A stopped or refusing Redis fails at once whatever this is."""
    on_store_unavailable: QuotaStoreDown = QuotaStoreDown.REFUSE
    default_max_tokens: int = Field(default=1024, gt=0)
    """Completion tokens reserved for a request that does not set `max_tokens`."""
