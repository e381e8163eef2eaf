"""The routing engine: which backend answers a request, and what happens when one fails."""

from modelgw.gateway.routing.breaker import BreakerState, CircuitBreaker
from modelgw.gateway.routing.engine import OpenedStream, Outcome, RoutingEngine
from modelgw.gateway.routing.plan import Candidate, RoutePlan
from modelgw.gateway.routing.router import Router

__all__ = [
    "BreakerState",
    "Candidate",
    "CircuitBreaker",
    "OpenedStream",
    "Outcome",
    "RoutePlan",
    "Router",
    "RoutingEngine",
]
