"""The pipeline's response-cache step: look a request's answer up, and keep a new one.

The cache itself (keys, encoding, stores) is `cache.py`; this step decides,
for one request, whether the cache applies, which backend's answer stands in
for the route, and what the audit trail says of a hit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from modelgw.common.config.providers import Locality
from modelgw.common.tools import ToolCallDelta
from modelgw.gateway.cache import CachedAnswer, ResponseCache, cache_key, is_cacheable
from modelgw.gateway.chat import RouteInfo
from modelgw.gateway.routing import RoutePlan
from modelgw.gateway.telemetry import GatewayTelemetry
from modelgw.gateway.trail import AuditTrail
from modelgw.providers.base import StreamChunk


class ResponseCacheStep:
    def __init__(self, cache: ResponseCache, telemetry: GatewayTelemetry) -> None:
        self._cache = cache
        self._telemetry = telemetry

    def applies(self, trail: AuditTrail) -> bool:
        """Deterministic requests of tenants that keep the response cache on, when there is one
        (else no key, a hash of the whole masked prompt, is computed for nothing)."""
        enabled = trail.caller.tenant.config.cache.enabled
        return self._cache.stores and enabled and is_cacheable(trail.request.params)

    async def lookup(self, trail: AuditTrail, plan: RoutePlan) -> CachedAnswer | None:
        """The answer the first backend this request may go to gave to this masked prompt.

        Only a backend the tenant's policy lets the data reach counts: a cached answer must
        never stand in for a backend that would have been refused or skipped.
        """
        if not self.applies(trail) or trail.protected is None:
            return None
        first = next((c for c in plan.candidates if trail.protected.may_send(c)), None)
        if first is None:
            return None
        answer = await self._cache.get(_key(trail, first.name, first.locality))
        self._telemetry.cache_lookup(trail, hit=answer is not None)
        if answer is not None:
            trail.cache_hit = True
            trail.locality = first.locality
            trail.route = RouteInfo.of(first, "answered from the response cache")
        return answer

    async def store(self, trail: AuditTrail, answer: CachedAnswer) -> None:
        """Keep the scanned masked answer of the backend that `trail.route` names.

        The caller checks `applies` first (and that the answer ran to its end)."""
        assert trail.route is not None
        await self._cache.put(_key(trail, trail.route.backend, trail.route.locality), answer)


def _key(trail: AuditTrail, backend: str, locality: Locality) -> str:
    """Keyed on what is (or would be) sent to one backend, so masking never differs."""
    assert trail.protected is not None
    messages, params = trail.protected.sent_to(locality)
    return cache_key(trail.caller.tenant.name, trail.request.model, backend, messages, params)


async def replay(answer: CachedAnswer) -> AsyncIterator[StreamChunk]:
    """A whole answer (a cached one, or a unary backend's) as a backend stream of one chunk."""
    calls = tuple(
        ToolCallDelta(i, call.id, call.name, call.arguments)
        for i, call in enumerate(answer.tool_calls)
    )
    yield StreamChunk(answer.masked_text, answer.finish_reason, answer.usage, calls)
