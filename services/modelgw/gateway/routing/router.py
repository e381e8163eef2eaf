"""Resolve a model name to the plan of backends a request may try.

The `Router` is what the pipeline talks to: it builds the ordered candidates
from config (priorities, weights), narrows them by the tenant's sensitivity
rules once the trust layer has looked at the prompt, and hands execution to
the `RoutingEngine` (retries, fallback, breakers, deadline).
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import NotFound
from modelgw.common.tenant import Tenant
from modelgw.gateway.routing.engine import RoutingEngine
from modelgw.gateway.routing.plan import Candidate, RoutePlan, order_targets
from modelgw.gateway.routing.sensitivity import apply_rules
from modelgw.providers.base import Backend


class Router:
    def __init__(
        self,
        config: ModelgwConfig,
        backends: Mapping[str, Backend],
        *,
        engine: RoutingEngine | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._config = config
        self.backends = backends
        self._rng = rng or random.Random()  # traffic split, not security
        self.engine = engine or RoutingEngine(config.routing)

    def plan(self, model: str, tenant: Tenant | None = None) -> RoutePlan:
        """Every backend of the model's route, in the order this request will try them.

        The tenant's own models (its document's `models`) come first: a tenant may add
        models and route a deployment model its own way, seen by its requests only.
        """
        own = tenant.config.models.get(model) if tenant is not None else None
        model_config = own or self._config.models.get(model)
        if model_config is None:
            raise NotFound(
                f"unknown model {model!r}; ListModels (gRPC) or GET /v1/models (HTTP) lists "
                "the models you may use"
            )
        candidates = []
        for target, _ in order_targets(model_config, self._rng):
            provider = self._config.providers.get(target.provider)
            if provider is None or target.provider not in self.backends:
                # The control plane checks routes against the deployment; a gateway whose
                # config lacks the provider refuses that version (modelgw.control.sync).
                raise NotFound(f"model {model!r} routes to {target.provider!r}, unknown here")
            candidates.append(
                Candidate(
                    backend=self.backends[target.provider],
                    upstream_model=target.model or model,
                    region=provider.region,
                    zero_retention=provider.zero_retention,
                )
            )
        return RoutePlan(model, tuple(candidates))

    @staticmethod
    def restrict(plan: RoutePlan, tenant: Tenant, entity_types: frozenset[str]) -> RoutePlan:
        """Apply the tenant's sensitivity rules to what the trust layer found."""
        return apply_rules(plan, tenant.routing_rules, entity_types)
