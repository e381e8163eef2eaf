"""Build backends from the `[providers]` config table: one backend class per provider `type`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

from modelgw.common.config.providers import (
    AnthropicProvider,
    AzureOpenAIProvider,
    BedrockProvider,
    CohereProvider,
    EchoProvider,
    OpenAICompatibleProvider,
    OpenAIProvider,
    ProviderConfig,
    SageMakerProvider,
    VertexProvider,
    VllmProvider,
)
from modelgw.providers.anthropic import AnthropicBackend
from modelgw.providers.azure_openai import AzureOpenAIBackend
from modelgw.providers.base import Backend
from modelgw.providers.bedrock import BedrockBackend
from modelgw.providers.cohere import CohereBackend
from modelgw.providers.echo import EchoBackend
from modelgw.providers.openai import OpenAIBackend
from modelgw.providers.openai_compatible import OpenAICompatibleBackend
from modelgw.providers.sagemaker import SageMakerBackend
from modelgw.providers.vertex import VertexBackend
from modelgw.providers.vllm import VllmBackend


def build_backend(name: str, config: ProviderConfig) -> Backend:
    # One case per member of `ProviderConfig`: the type checker fails `make lint` when the
    # schema gains a provider type that has no backend here (assert_never).
    match config:
        case EchoProvider():
            return EchoBackend(name, config)
        case OpenAIProvider():
            return OpenAIBackend(name, config)
        case AzureOpenAIProvider():
            return AzureOpenAIBackend(name, config)
        case AnthropicProvider():
            return AnthropicBackend(name, config)
        case BedrockProvider():
            return BedrockBackend(name, config)
        case VertexProvider():
            return VertexBackend(name, config)
        case SageMakerProvider():
            return SageMakerBackend(name, config)
        case OpenAICompatibleProvider():
            return OpenAICompatibleBackend(name, config)
        case CohereProvider():
            return CohereBackend(name, config)
        case VllmProvider():
            return VllmBackend(name, config)
        case _:
            assert_never(config)


def build_backends(providers: Mapping[str, ProviderConfig]) -> dict[str, Backend]:
    return {name: build_backend(name, cfg) for name, cfg in providers.items()}
