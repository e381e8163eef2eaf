"""Build backends from the `[providers]` config table: one factory per provider `type`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from modelgw.common.config.providers import ProviderBase
from modelgw.providers.anthropic import AnthropicBackend
from modelgw.providers.azure_openai import AzureOpenAIBackend
from modelgw.providers.base import Backend
from modelgw.providers.bedrock import BedrockBackend
from modelgw.providers.echo import EchoBackend
from modelgw.providers.openai import OpenAIBackend
from modelgw.providers.openai_compatible import OpenAICompatibleBackend
from modelgw.providers.sagemaker import SageMakerBackend
from modelgw.providers.vertex import VertexBackend
from modelgw.providers.vllm import VllmBackend

# provider `type` -> factory(name, config)
_FACTORIES: dict[str, Callable[[str, Any], Backend]] = {
    "echo": EchoBackend,
    "openai": OpenAIBackend,
    "azure_openai": AzureOpenAIBackend,
    "anthropic": AnthropicBackend,
    "bedrock": BedrockBackend,
    "vertex": VertexBackend,
    "sagemaker": SageMakerBackend,
    "openai_compatible": OpenAICompatibleBackend,
    "vllm": VllmBackend,
}


def build_backend(name: str, config: ProviderBase) -> Backend:
    provider_type = getattr(config, "type", None)
    factory = _FACTORIES.get(str(provider_type))
    if factory is None:  # the schema and this table are out of step: a bug, not bad input
        raise RuntimeError(f"no backend implementation for provider type {provider_type!r}")
    return factory(name, config)


def build_backends(providers: Mapping[str, ProviderBase]) -> dict[str, Backend]:
    return {name: build_backend(name, cfg) for name, cfg in providers.items()}
