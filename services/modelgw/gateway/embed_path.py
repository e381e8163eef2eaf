"""Embeddings through the same stages as chat: admit, quota, protect, route (with retries
and fallback), audit.

The stages an embedding request shares with chat come in from the pipeline: the
trust layer's protection (`protect`, the pipeline's own stage) and the one audit
record with its quota settled (`RecordStep`), so that both call shapes run the
very same code; what differs (admission, the request sent, the result) is here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from opentelemetry import trace

from modelgw.audit.sink import AuditSink
from modelgw.common.config.inputs import EmbeddingProtection
from modelgw.common.config.tenants import Role as KeyRole
from modelgw.common.errors import PermissionDenied
from modelgw.common.telemetry import child_span
from modelgw.common.tenant import Caller
from modelgw.gateway.chat import RouteInfo
from modelgw.gateway.embeddings import EmbedRequest, EmbedResult, check_embed
from modelgw.gateway.endings import GONE, ending
from modelgw.gateway.features import embedding_capable
from modelgw.gateway.in_flight import InFlight
from modelgw.gateway.quotas import Quotas
from modelgw.gateway.record_step import RecordStep
from modelgw.gateway.routing import Candidate, RoutePlan, Router
from modelgw.gateway.trail import AuditTrail
from modelgw.gateway.validation import check_caller
from modelgw.providers.base import EmbeddingRequest

Protect = Callable[[AuditTrail, RoutePlan], Awaitable[RoutePlan]]
"""Detect once for every locality of the route; the route narrowed by the tenant's rules."""


class EmbeddingPath:
    def __init__(
        self,
        router: Router,
        audit: AuditSink,
        quotas: Quotas,
        in_flight: InFlight,
        records: RecordStep,
        *,
        protect: Protect,
    ) -> None:
        self._router = router
        self._audit = audit
        self._quotas = quotas
        self._in_flight = in_flight
        self._records = records
        self._protect = protect

    async def embed(self, caller: Caller, request: EmbedRequest) -> EmbedResult:
        """The backend gets the masked inputs, or, for a tenant that chose local-only
        embeddings, the inputs as sent, on local backends only."""
        local_only = caller.tenant.config.embeddings.protection is EmbeddingProtection.LOCAL_ONLY
        plan = self._admit(caller, request, local_only=local_only)
        chat = request.as_chat()
        trail = AuditTrail(caller, chat, streamed=False, operation="embeddings")
        self._in_flight.add(trail)
        status, error = "CANCELLED", GONE
        try:
            if not caller.may_use(request.model):
                raise PermissionDenied(
                    f"tenant {caller.tenant.name!r} may not use model {request.model!r}"
                )
            trail.reservation = await self._quotas.reserve(
                caller.tenant, chat.messages, chat.params
            )
            plan = await self._protect(trail, plan)
            reasons = "; ".join(plan.reasons) or "route order"

            async def prepare(candidate: Candidate) -> EmbeddingRequest:
                assert trail.protected is not None
                sent = trail.protected.backend_request(candidate)  # refuses blocked data
                trail.locality = candidate.locality
                trail.route = RouteInfo.of(candidate, reasons)
                inputs = request.inputs if local_only else [m.content for m in sent.messages]
                return EmbeddingRequest(
                    candidate.upstream_model,
                    list(inputs),
                    request.request_id,
                    request.deadline,
                    request.dimensions,
                )

            with child_span("modelgw.backend.embed"):
                outcome, response = await self._router.engine.embed(plan, request.deadline, prepare)
            trail.route = RouteInfo.of(outcome.candidate, outcome.reason)
            trail.usage = response.usage
            status, error = "OK", ""
        except BaseException as exc:
            status, error = ending(trail, exc, cut_off=self._in_flight.cut_off)
            raise
        finally:
            await asyncio.shield(self._records.finish(trail, status, error))
        assert trail.protected is not None and trail.route is not None
        return EmbedResult(
            request.request_id,
            request.client_request_id,
            request.model,
            response.vectors,
            response.usage,
            trail.protected.masked(trail.route.locality).summary,
            trail.route,
        )

    def _admit(self, caller: Caller, request: EmbedRequest, *, local_only: bool) -> RoutePlan:
        """The pipeline's `_admit` for embeddings: refusals here leave no record."""
        span = trace.get_current_span()
        span.set_attribute("modelgw.tenant", caller.tenant.name)
        span.set_attribute("modelgw.model", request.model)
        span.set_attribute("modelgw.request_id", request.request_id)
        if not caller.has_role(KeyRole.USER):
            raise PermissionDenied("this API key lacks the `user` role needed to call models")
        self._audit.admit(caller.tenant)
        check_embed(request)
        check_caller(request.caller)
        return embedding_capable(self._router.plan(request.model), local_only=local_only)
