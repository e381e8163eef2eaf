"""Reserve a request's share of every limit it counts against up front; settle it when it ends.

Token and spend limits cannot be checked exactly before the answer exists, so
a request reserves an estimate (prompt estimate plus its `max_tokens`, or the
configured default; for spend, that many tokens at the highest price of any
backend its route may reach) and, when it ends, the reservation is reconciled
with the usage the backend reported and the cost of the backend that
answered: the difference is refunded or charged. A request that got no answer
gives its whole reservation back, its request count included.
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
from modelgw.gateway.quotas.limits import (
    Limit,
    PriceCeiling,
    Unit,
    describe,
    micro_usd,
    request_limits,
    text_tokens,
)
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
        self,
        tenant: Tenant,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        key_id: str = "",
        end_user: str = "",
        price: PriceCeiling | None = None,
    ) -> Reservation:
        """Hold room for this request in every limit of its tenant, key and end user, or
        refuse it.

        Raises `QuotaExceeded` (RESOURCE_EXHAUSTED, with the retry delay) when a limit
        has no room, and `QuotaStoreUnavailable` when the store cannot answer and the
        deployment fails closed.
        """
        limits = request_limits(tenant.name, tenant.quotas, key_id, end_user)
        if not limits:
            return Reservation(tenant.name)
        max_tokens = params.max_tokens or self._config.quotas.default_max_tokens
        prompt = text_tokens([message.content for message in messages])
        cost = price(prompt, max_tokens) if price is not None else None
        # At least one micro-dollar: a spent budget refuses even a request it cannot price.
        amounts = {
            Unit.REQUESTS: 1,
            Unit.TOKENS: prompt + max_tokens,
            Unit.USD: max(1, micro_usd(cost)),
        }
        charges = [Charge(limit, amounts[limit.unit]) for limit in limits]
        for charge in charges:
            if charge.amount > charge.limit.value:
                self._refused(tenant.name, charge.limit.name)
                raise QuotaExceeded(_too_large(tenant.name, charge, max_tokens))
        try:
            outcome = await self._store.reserve(tenant.name, charges, self._clock())
        except QuotaStoreError as exc:
            return self._store_down(tenant.name, exc)
        if isinstance(outcome, Refusal):
            self._refused(tenant.name, outcome.limit.name)
            limit = outcome.limit
            raise QuotaExceeded(
                f"{describe(tenant.name, limit)} reached {limit.name} ({limit.amount()}); "
                f"retry in {outcome.retry_after_s} s",
                retry_after_s=outcome.retry_after_s,
            )
        if self._events is not None:
            for hold in outcome:
                # Tenant-wide limits only: a per-key or per-end-user counter would turn the
                # gauge's one series into whichever key or user reserved last.
                if hold.used is not None and hold.limit.scope == "tenant":
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

    async def settle(
        self, reservation: Reservation, used_tokens: int | None, cost_usd: float | None = None
    ) -> None:
        """Reconcile with what the request really used and cost; `used_tokens` None: it got
        no answer (everything goes back).

        Never raises: the answer has already gone out (or the request already failed).
        A failed reconcile leaves the estimate counted, which errs towards the limit.
        """
        if not reservation.holds:
            return
        changes: list[tuple[Hold, int]] = []
        for hold in reservation.holds:
            if used_tokens is None:
                changes.append((hold, -hold.amount))
                continue
            used = _used(hold.limit, used_tokens, cost_usd)
            if used is not None and used != hold.amount:
                changes.append((hold, used - hold.amount))
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


def _used(limit: Limit, tokens: int, cost_usd: float | None) -> int | None:
    """What a limit really counts for an answered request (None: the reservation stands)."""
    if limit.unit is Unit.TOKENS:
        return tokens
    if limit.unit is Unit.USD:
        return micro_usd(cost_usd)
    return None


def _too_large(tenant: str, charge: Charge, max_tokens: int) -> str:
    limit = charge.limit
    whose = describe(tenant, limit)
    if limit.unit is Unit.USD:
        return (
            f"request may cost up to {charge.amount / 1_000_000:.6f} USD (prompt estimate plus "
            f"max_tokens {max_tokens} at its route's highest price), more than {whose}'s "
            f"{limit.name} ({limit.amount()}); send a shorter prompt or a lower max_tokens"
        )
    return (
        f"request needs about {charge.amount} tokens (prompt estimate plus max_tokens "
        f"{max_tokens}), more than {whose}'s {limit.name} ({limit.value}); send a shorter "
        "prompt or a lower max_tokens"
    )
