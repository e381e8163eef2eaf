"""Build backends from the `[providers]` config table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from modelgw.common.config.providers import ProviderConfig
from modelgw.providers.base import Backend
from modelgw.providers.echo import EchoBackend
from modelgw.providers.vllm import VllmBackend

# provider `type` -> factory(name, config)
_FACTORIES: dict[str, Callable[[str, Any], Backend]] = {
    "echo": lambda name, cfg: EchoBackend(name, cfg),
    "vllm": lambda name, cfg: VllmBackend(name, cfg),
}


def build_backend(name: str, config: ProviderConfig) -> Backend:
    factory = _FACTORIES.get(config.type)
    if factory is None:  # the schema and this table are out of step: a bug, not bad input
        raise RuntimeError(f"no backend implementation for provider type {config.type!r}")
    return factory(name, config)


def build_backends(providers: Mapping[str, ProviderConfig]) -> dict[str, Backend]:
    return {name: build_backend(name, cfg) for name, cfg in providers.items()}
