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


class TenantQuotas(StrictModel):
    """Fixed-window limits for one tenant; every limit left out is unlimited.

    Tokens are prompt plus completion tokens as the backend reports them.
    """

    requests_per_minute: int | None = Field(default=None, gt=0)
    """Requests admitted per calendar minute."""
    tokens_per_minute: int | None = Field(default=None, gt=0)
    """Prompt + completion tokens per calendar minute."""
    tokens_per_day: int | None = Field(default=None, gt=0)
    """Prompt + completion tokens per UTC day."""


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
    key_prefix: str = Field(default="modelgw:quota:v1", min_length=1)
    """Keys are `<key_prefix>:<tenant>:<limit>:<window start>`."""
    timeout_ms: int = Field(default=250, ge=10, le=10_000)
    """Longest a request waits for the store before it counts as unreachable."""
    on_store_unavailable: QuotaStoreDown = QuotaStoreDown.REFUSE
    default_max_tokens: int = Field(default=1024, gt=0)
    """Completion tokens reserved for a request that does not set `max_tokens`."""
