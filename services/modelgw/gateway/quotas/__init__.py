"""Per-tenant quotas: atomic reservation before a request runs, reconcile after it ends."""

from modelgw.gateway.quotas.limits import (
    Limit,
    PriceCeiling,
    estimate_tokens,
    request_limits,
    tenant_limits,
)
from modelgw.gateway.quotas.memory import MemoryQuotaStore
from modelgw.gateway.quotas.reservations import Quotas, Reservation
from modelgw.gateway.quotas.store import Charge, Hold, QuotaStore, QuotaStoreError, Refusal

__all__ = [
    "Charge",
    "Hold",
    "Limit",
    "MemoryQuotaStore",
    "PriceCeiling",
    "QuotaStore",
    "QuotaStoreError",
    "Quotas",
    "Refusal",
    "Reservation",
    "estimate_tokens",
    "request_limits",
    "tenant_limits",
]
