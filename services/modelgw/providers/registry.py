"""Build backends from the `[providers]` config table: one backend class per provider `type`.

Each backend's module is imported when a provider of its type is built, not before: most
gateways use one or two types, and the others pull in what only they need (botocore for
Bedrock and SageMaker, `tokenizers` and jinja2 for vLLM), megabytes of a process's memory
(issue 19).
"""

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
from modelgw.providers.base import Backend


def build_backend(name: str, config: ProviderConfig) -> Backend:
    # One case per member of `ProviderConfig`: the type checker fails `make lint` when the
    # schema gains a provider type that has no backend here (assert_never).
    match config:
        case EchoProvider():
            from modelgw.providers.echo import EchoBackend

            return EchoBackend(name, config)
        case OpenAIProvider():
            from modelgw.providers.openai import OpenAIBackend

            return OpenAIBackend(name, config)
        case AzureOpenAIProvider():
            from modelgw.providers.azure_openai import AzureOpenAIBackend

            return AzureOpenAIBackend(name, config)
        case AnthropicProvider():
            from modelgw.providers.anthropic import AnthropicBackend

            return AnthropicBackend(name, config)
        case BedrockProvider():
            from modelgw.providers.bedrock import BedrockBackend

            return BedrockBackend(name, config)
        case VertexProvider():
            from modelgw.providers.vertex import VertexBackend

            return VertexBackend(name, config)
        case SageMakerProvider():
            from modelgw.providers.sagemaker import SageMakerBackend

            return SageMakerBackend(name, config)
        case OpenAICompatibleProvider():
            from modelgw.providers.openai_compatible import OpenAICompatibleBackend

            return OpenAICompatibleBackend(name, config)
        case CohereProvider():
            from modelgw.providers.cohere import CohereBackend

            return CohereBackend(name, config)
        case VllmProvider():
            from modelgw.providers.vllm import VllmBackend

            return VllmBackend(name, config)
        case _:
            assert_never(config)


def build_backends(providers: Mapping[str, ProviderConfig]) -> dict[str, Backend]:
    return {name: build_backend(name, cfg) for name, cfg in providers.items()}
