"""Per-tenant quotas: atomic reservation before a request runs, reconcile after it ends."""

from modelgw.gateway.quotas.limits import Limit, estimate_tokens, tenant_limits
from modelgw.gateway.quotas.memory import MemoryQuotaStore
from modelgw.gateway.quotas.reservations import Quotas, Reservation
from modelgw.gateway.quotas.store import Charge, Hold, QuotaStore, QuotaStoreError, Refusal

__all__ = [
    "Charge",
    "Hold",
    "Limit",
    "MemoryQuotaStore",
    "QuotaStore",
    "QuotaStoreError",
    "Quotas",
    "Refusal",
    "Reservation",
    "estimate_tokens",
    "tenant_limits",
]
