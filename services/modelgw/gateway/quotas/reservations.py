"""Reserve a request's share of its tenant's quotas up front; settle it when it ends.

Token limits cannot be checked exactly before the answer exists, so a request
reserves an estimate (prompt estimate plus its `max_tokens`, or the configured
default) and, when it ends, the reservation is reconciled with the usage the
backend reported: the difference is refunded or charged. A request that got no
answer gives its whole reservation back, its request count included.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from modelgw.common.config.quotas import QuotaStoreDown
from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import QuotaExceeded, QuotaStoreUnavailable
from modelgw.common.messages import ChatMessage, GenerationParams
from modelgw.common.tenant import Tenant
from modelgw.gateway.quotas.limits import estimate_tokens, tenant_limits
from modelgw.gateway.quotas.store import Charge, Hold, QuotaStore, QuotaStoreError, Refusal

log = logging.getLogger(__name__)


class QuotaEvents(Protocol):
    """What the quota step reports (`modelgw.gateway.telemetry.GatewayTelemetry`)."""

    def quota_refused(self, tenant: str, limit: str) -> None: ...

    def quota_remaining(self, tenant: str, limit: str, remaining: int) -> None: ...


@dataclass(frozen=True, slots=True)
class Reservation:
    """What one request holds in the store; empty for unlimited tenants (or fail-open)."""

    tenant: str
    holds: tuple[Hold, ...] = ()


class Quotas:
    """The quota step of the pipeline: one per gateway process, over one store."""

    def __init__(
        self,
        config: ModelgwConfig,
        store: QuotaStore,
        clock: Callable[[], float] = time.time,
        telemetry: QuotaEvents | None = None,
    ) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._events = telemetry

    async def reserve(
        self, tenant: Tenant, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> Reservation:
        """Hold room for this request in every limit of its tenant, or refuse it.

        Raises `QuotaExceeded` (RESOURCE_EXHAUSTED, with the retry delay) when a limit
        has no room, and `QuotaStoreUnavailable` when the store cannot answer and the
        deployment fails closed.
        """
        limits = tenant_limits(tenant.quotas)
        if not limits:
            return Reservation(tenant.name)
        max_tokens = params.max_tokens or self._config.quotas.default_max_tokens
        estimate = estimate_tokens(messages, max_tokens)
        charges = [Charge(limit, estimate if limit.counts_tokens else 1) for limit in limits]
        for charge in charges:
            if charge.amount > charge.limit.value:
                self._refused(tenant.name, charge.limit.name)
                raise QuotaExceeded(
                    f"request needs about {charge.amount} tokens (prompt estimate plus "
                    f"max_tokens {max_tokens}), more than tenant {tenant.name!r}'s "
                    f"{charge.limit.name} ({charge.limit.value}); send a shorter prompt "
                    "or a lower max_tokens"
                )
        try:
            outcome = await self._store.reserve(tenant.name, charges, self._clock())
        except QuotaStoreError as exc:
            return self._store_down(tenant.name, exc)
        if isinstance(outcome, Refusal):
            self._refused(tenant.name, outcome.limit.name)
            raise QuotaExceeded(
                f"tenant {tenant.name!r} reached {outcome.limit.name} ({outcome.limit.value}); "
                f"retry in {outcome.retry_after_s} s",
                retry_after_s=outcome.retry_after_s,
            )
        if self._events is not None:
            for hold in outcome:
                if hold.used is not None:
                    remaining = hold.limit.value - hold.used
                    self._events.quota_remaining(tenant.name, hold.limit.name, remaining)
        return Reservation(tenant.name, outcome)

    def _refused(self, tenant: str, limit: str) -> None:
        if self._events is not None:
            self._events.quota_refused(tenant, limit)

    def _store_down(self, tenant: str, exc: QuotaStoreError) -> Reservation:
        if self._config.quotas.on_store_unavailable is QuotaStoreDown.REFUSE:
            raise QuotaStoreUnavailable(
                f"quota store unreachable ({type(exc.__cause__ or exc).__name__}); "
                "the request was refused and nothing was sent"
            ) from exc
        log.error(
            "ALERT quota store unreachable (%s): tenant %s continues unmetered by policy",
            exc,
            tenant,
        )
        return Reservation(tenant)

    async def settle(self, reservation: Reservation, used_tokens: int | None) -> None:
        """Reconcile with what the request really used; `None`: it got no answer.

        Never raises: the answer has already gone out (or the request already failed).
        A failed reconcile leaves the estimate counted, which errs towards the limit.
        """
        if not reservation.holds:
            return
        changes: list[tuple[Hold, int]] = []
        for hold in reservation.holds:
            if used_tokens is None:
                changes.append((hold, -hold.amount))
            elif hold.limit.counts_tokens and used_tokens != hold.amount:
                changes.append((hold, used_tokens - hold.amount))
        if not changes:
            return
        try:
            await self._store.adjust(reservation.tenant, changes)
        except QuotaStoreError as exc:
            log.warning(
                "quota reconcile for tenant %s failed (%s): its reservation stays counted",
                reservation.tenant,
                exc,
            )

    async def close(self) -> None:
        await self._store.close()
