"""Resolve a model name to the backend that should answer.

The foundation picks the first target of the model's route; the routing
engine (fallbacks, retries, breakers, sensitivity rules) builds on `Route`.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelgw.common.config.schema import ModelgwConfig
from modelgw.common.errors import NotFound
from modelgw.providers.base import Backend


@dataclass(frozen=True, slots=True)
class RouteChoice:
    backend: Backend
    upstream_model: str
    reason: str

    @property
    def external(self) -> bool:
        return self.backend.locality.value == "external"


class Router:
    def __init__(self, config: ModelgwConfig, backends: dict[str, Backend]) -> None:
        self._config = config
        self._backends = backends

    def choose(self, model: str) -> RouteChoice:
        model_config = self._config.models.get(model)
        if model_config is None:
            raise NotFound(f"unknown model {model!r}; ListModels shows the models you may use")
        target = model_config.route[0]
        return RouteChoice(
            backend=self._backends[target.provider],
            upstream_model=target.model or model,
            reason="first target of the model's route",
        )
