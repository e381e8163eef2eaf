"""The last stage of every request, chat and embeddings alike: settle its quota reservation
with what it used, and write its one audit record.

`finish` runs once per request, in a task no cancellation stops (`InFlight.finish`), so
a caller that leaves, or a shutdown, cannot stop the record half way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from modelgw.audit.sink import AuditSink
from modelgw.common.config.providers import ProviderBase
from modelgw.common.telemetry import child_span
from modelgw.gateway.in_flight import InFlight
from modelgw.gateway.quotas import Quotas
from modelgw.gateway.quotas.limits import text_tokens
from modelgw.gateway.telemetry import GatewayTelemetry
from modelgw.gateway.trail import AuditTrail
from modelgw.providers.pricing import request_cost


class RecordStep:
    def __init__(
        self,
        providers: Mapping[str, ProviderBase],
        quotas: Quotas,
        audit: AuditSink,
        telemetry: GatewayTelemetry,
        in_flight: InFlight,
    ) -> None:
        self._providers = providers
        self._quotas = quotas
        self._audit = audit
        self._telemetry = telemetry
        self._in_flight = in_flight

    async def finish(self, trail: AuditTrail, status: str, error: str = "") -> None:
        """Settle the quota reservation and write the one audit record of the request."""
        await self._in_flight.finish(trail, functools.partial(self.write, trail, status, error))

    async def write(self, trail: AuditTrail, status: str, error: str) -> None:
        """What `finish` runs once; called directly only for the requests a shutdown cuts off
        (`InFlight.close`)."""
        cost = None
        if trail.cache_hit:
            cost = 0.0  # answered from the cache: no backend call was paid for
        elif trail.route is not None:
            provider = self._providers.get(trail.route.backend)
            cost = request_cost(provider, trail.route.upstream_model, trail.usage)
        try:
            if trail.reservation is not None:
                used = used_tokens(trail, status)
                await self._quotas.settle(trail.reservation, used, cost)
        finally:
            self._telemetry.finished(trail, status, cost)
            with child_span("modelgw.audit.record"):
                await self._audit.record(trail.record(status, error, cost), raw=trail.raw())


def used_tokens(trail: AuditTrail, status: str) -> int | None:
    """Tokens to charge the request's quotas; `None` when no backend answered at all.

    A failed request whose backend did answer (usage reported, or part of a stream
    sent) is charged what it used. A cache hit used no backend tokens. A backend
    that reported no usage (some do not on streams) is charged the chars/4 estimate
    of what was sent and answered.
    """
    used = trail.usage.prompt_tokens + trail.usage.completion_tokens
    if status != "OK" and not used and not trail.masked_response:
        return None
    if trail.cache_hit:
        return 0
    if used:
        return used
    messages, _, _ = trail.sent()
    sent = messages or trail.request.messages
    return text_tokens([m.content for m in sent] + [trail.masked_response])
