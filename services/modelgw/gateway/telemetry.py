"""What the gateway tells operators about each request: metrics, and its span's attributes.

One object, handed to the pipeline, the quota step and the routing engine by
the `Assembly`; they call it at the few points where something worth counting
happens, and it reads the request's `AuditTrail` for the rest, so the stages
keep no metrics state of their own.

Toward the caller the gateway is a GenAI server (`gen_ai.server.*`); toward its
backends a GenAI client (`gen_ai.client.*`, see `modelgw.providers.instrumented`).
modelgw's own instruments are named `modelgw.*`. Labels are tenant, model and
backend names from config and values from closed sets (statuses, decisions,
entity types, limits); never a request id, end user, session id or any text.
The request id does go on the request's span: a trace is one request by design,
kept by the tracing backend, not a time series multiplied by every value.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from opentelemetry.metrics import CallbackOptions, Meter, Observation
from opentelemetry.trace import Span

from modelgw.common import genai
from modelgw.common.metrics import (
    DURATION_BUCKETS_S,
    FIRST_TOKEN_BUCKETS_S,
    PER_TOKEN_BUCKETS_S,
    Adds,
    Metrics,
)
from modelgw.common.metrics import counter as request_counter
from modelgw.common.tenant import Caller
from modelgw.gateway.routing.breaker import BreakerState

if TYPE_CHECKING:
    from modelgw.gateway.chat import ChatRequest
    from modelgw.gateway.trail import AuditTrail

log = logging.getLogger(__name__)

NO_BACKEND = "none"
"""The `backend` label of a request that never reached one (refused, failed closed)."""


class GatewayTelemetry:
    def __init__(self, meter: Meter) -> None:
        histogram = meter.create_histogram

        def counter(name: str, *, unit: str, description: str) -> Adds:
            return request_counter(meter, name, unit=unit, description=description)

        self._requests = counter(
            "modelgw.requests",
            unit="{request}",
            description="Requests that got past admission, by tenant, model, backend and status.",
        )
        self._duration = histogram(
            genai.SERVER_REQUEST_DURATION,
            unit="s",
            description="From admission to the end of the answer (or the refusal).",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
        )
        self._first_token = histogram(
            genai.SERVER_TIME_TO_FIRST_TOKEN,
            unit="s",
            description="From admission to the first text sent to the caller, of streams.",
            explicit_bucket_boundaries_advisory=FIRST_TOKEN_BUCKETS_S,
        )
        self._per_token = histogram(
            genai.SERVER_TIME_PER_OUTPUT_TOKEN,
            unit="s",
            description="Time per output token after the first, of completed streams.",
            explicit_bucket_boundaries_advisory=PER_TOKEN_BUCKETS_S,
        )
        self._tokens = counter(
            "modelgw.tokens",
            unit="{token}",
            description="Tokens the backends reported, by tenant, model and type (input/output); "
            "answers from the cache count none.",
        )
        self._cost = counter(
            "modelgw.cost.usd",
            unit="{USD}",
            description="Estimated cost in US dollars, from the providers' configured prices.",
        )
        self._decisions = counter(
            "modelgw.trust.decisions",
            unit="{request}",
            description="The trust layer's decision on each request's prompt.",
        )
        self._entities = counter(
            "modelgw.trust.entities",
            unit="{entity}",
            description="Personal-data entities found (counts, never values), by type, the "
            "action taken and whether they were in the prompt or the answer.",
        )
        self._fail_closed = counter(
            "modelgw.trust.fail_closed",
            unit="{request}",
            description="Requests refused because the trust layer could not decide.",
        )
        self._cache = counter(
            "modelgw.cache.lookups",
            unit="{lookup}",
            description="Response cache lookups of cacheable requests, by result (hit/miss).",
        )
        self._quota_refusals = counter(
            "modelgw.quota.refusals",
            unit="{request}",
            description="Requests refused by a tenant's quota, by the limit that refused.",
        )
        self._quota_remaining = meter.create_gauge(
            "modelgw.quota.remaining",
            unit="{unit}",
            description="Room left in a tenant's limit (requests or tokens) in its current "
            "window, as of the tenant's last reservation on this gateway.",
        )
        self._retries = counter(
            "modelgw.routing.retries",
            unit="{call}",
            description="Backend calls that retried the same backend after a failure.",
        )
        self._fallbacks = counter(
            "modelgw.routing.fallbacks",
            unit="{call}",
            description="Backend calls that went to a later backend of the route after an "
            "earlier one failed or was skipped.",
        )
        self._meter = meter

    @classmethod
    def off(cls) -> GatewayTelemetry:
        return cls(Metrics.off().meter())

    # -- the request's span -------------------------------------------------------------
    @staticmethod
    def admitted(span: Span, caller: Caller, request: ChatRequest) -> None:
        """Name the request on its span: GenAI attributes plus modelgw's own."""
        span.set_attribute(genai.OPERATION_NAME, genai.CHAT)
        span.set_attribute(genai.REQUEST_MODEL, request.model)
        span.set_attribute("modelgw.tenant", caller.tenant.name)
        span.set_attribute("modelgw.request_id", request.request_id)

    # -- stages ------------------------------------------------------------------------
    def cache_lookup(self, trail: AuditTrail, *, hit: bool) -> None:
        labels = {"tenant": trail.caller.tenant.name, "model": trail.request.model}
        self._cache.add(1, {**labels, "result": "hit" if hit else "miss"})

    def quota_refused(self, tenant: str, limit: str) -> None:
        self._quota_refusals.add(1, {"tenant": tenant, "limit": limit})

    def quota_remaining(self, tenant: str, limit: str, remaining: int) -> None:
        self._quota_remaining.set(max(0, remaining), {"tenant": tenant, "limit": limit})

    def retried(self, backend: str) -> None:
        self._retries.add(1, {"backend": backend})

    def fell_back(self, model: str, backend: str) -> None:
        self._fallbacks.add(1, {"model": model, "backend": backend})

    def observe_breakers(self, states: Callable[[], Mapping[str, BreakerState]]) -> None:
        """`modelgw.routing.breaker.state`: 1 for each backend's current state, 0 for the
        others, so `== 1` on `state="open"` is the alert."""

        def observe(_: CallbackOptions) -> Iterable[Observation]:
            for backend, current in states().items():
                for state in BreakerState:
                    value = 1 if state is current else 0
                    yield Observation(value, {"backend": backend, "state": state.value})

        self._meter.create_observable_gauge(
            "modelgw.routing.breaker.state",
            callbacks=[observe],
            unit="1",
            description="Circuit breaker state per backend (1 for the current state).",
        )

    # -- the end of a request ---------------------------------------------------------------
    def finished(self, trail: AuditTrail, status: str, cost: float | None) -> None:
        """Count the request once, as its audit record is written, and close its span's story.

        Never raises: it runs on the way to the request's one audit record, which a bug
        in counting must not cost.
        """
        try:
            self._finished(trail, status, cost)
        except Exception:
            log.exception("recording the metrics of request %s failed", trail.request.request_id)

    def _finished(self, trail: AuditTrail, status: str, cost: float | None) -> None:
        tenant, model = trail.caller.tenant.name, trail.request.model
        # The backend it was routed to (the one that answered, or the last one tried);
        # none when it was refused before routing.
        backend = trail.route.backend if trail.route is not None else NO_BACKEND
        self._requests.add(
            1, {"tenant": tenant, "model": model, "backend": backend, "status": status}
        )
        server = {genai.OPERATION_NAME: genai.CHAT, genai.REQUEST_MODEL: model, "tenant": tenant}
        if status != "OK":
            server[genai.ERROR_TYPE] = status
        now = time.monotonic()
        self._duration.record(now - trail.started, server)
        usage = trail.usage
        if trail.streamed and trail.first_token is not None:
            self._first_token.record(trail.first_token - trail.started, server)
            if status == "OK" and usage.completion_tokens > 1:
                per_token = (now - trail.first_token) / (usage.completion_tokens - 1)
                self._per_token.record(per_token, server)
        labels = {"tenant": tenant, "model": model}
        if not trail.cache_hit:  # a cached answer used no backend tokens (nor quota)
            if usage.prompt_tokens:
                self._tokens.add(usage.prompt_tokens, {**labels, "type": "input"})
            if usage.completion_tokens:
                self._tokens.add(usage.completion_tokens, {**labels, "type": "output"})
        if cost:
            self._cost.add(cost, labels)
        if trail.fail_closed:
            self._fail_closed.add(1, labels)
        summary = trail.summary()
        if trail.protected is not None:
            self._decisions.add(1, {"tenant": tenant, "decision": summary.decision.value})
        for direction, findings in (
            ("prompt", summary.prompt_entities),
            ("response", summary.response_entities),
        ):
            for finding in findings:
                self._entities.add(
                    finding.count,
                    {
                        "tenant": tenant,
                        "entity_type": finding.entity_type,
                        "action": finding.action,
                        "direction": direction,
                    },
                )
        self._annotate(trail, status, summary.decision.value)

    @staticmethod
    def _annotate(trail: AuditTrail, status: str, decision: str) -> None:
        span = trail.span
        if not span.is_recording():
            return
        span.set_attribute("modelgw.status", status)
        span.set_attribute("modelgw.cache.hit", trail.cache_hit)
        if trail.protected is not None:
            span.set_attribute("modelgw.trust.decision", decision)
        route = trail.route
        if route is not None:
            span.set_attribute("modelgw.route.backend", route.backend)
            span.set_attribute("modelgw.route.reason", route.reason)
            span.set_attribute(genai.PROVIDER_NAME, genai.provider_name(route.provider_type))
            span.set_attribute(genai.RESPONSE_MODEL, route.upstream_model)
        usage = trail.usage
        if usage.prompt_tokens or usage.completion_tokens:
            span.set_attribute(genai.USAGE_INPUT_TOKENS, usage.prompt_tokens)
            span.set_attribute(genai.USAGE_OUTPUT_TOKENS, usage.completion_tokens)
