"""Backends a model route can send to.

Each provider type is one pydantic model with a literal `type`; together they
form a discriminated union, so a config entry is validated against exactly the
fields its type accepts. Adding a provider adds one class here and one module
in `modelgw.providers`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.provider_fields import (
    AnthropicProviderFields,
    AzureOpenAIProviderFields,
    BedrockProviderFields,
    CohereProviderFields,
    OpenAICompatibleProviderFields,
    OpenAIProviderFields,
    SageMakerProviderFields,
    TokenPrice,
    VertexProviderFields,
)
from modelgw.common.config.tls import ClientTls


class Locality(StrEnum):
    """Where a backend runs; decides which entity policy applies to a request."""

    LOCAL = "local"
    EXTERNAL = "external"


class ProviderBase(StrictModel):
    description: str = ""
    """Free text shown to operators."""
    locality: Locality = Locality.EXTERNAL
    """`local` for models you host (prompts stay in your network), `external` otherwise."""
    region: str | None = None
    """Where the provider processes data (e.g. `eu-west-1`); routing rules can require one."""
    zero_retention: bool = False
    """Whether a contract guarantees the provider keeps no prompts or answers."""
    timeout_s: float = Field(default=60.0, gt=0, le=3600)
    """Upper bound for one call to this backend; the caller's deadline still applies."""
    prices: dict[str, TokenPrice] = Field(default_factory=dict)
    """Price per upstream model name (`*` for any other); the audit record gets the cost."""


class EchoProvider(ProviderBase):
    """Answers with exactly the last user message it received: shows what a model would see."""

    type: Literal["echo"]
    locality: Locality = Locality.LOCAL
    chunk_chars: int = Field(default=8, ge=1, le=4096)
    """Size of the pieces a streamed echo answer is cut into."""


class OpenAIProvider(OpenAIProviderFields, ProviderBase):
    """OpenAI Chat Completions."""


class AzureOpenAIProvider(AzureOpenAIProviderFields, ProviderBase):
    """Azure OpenAI deployments (api-version, api-key or Entra ID token)."""


class AnthropicProvider(AnthropicProviderFields, ProviderBase):
    """Anthropic Messages API."""


class BedrockProvider(BedrockProviderFields, ProviderBase):
    """AWS Bedrock Converse / ConverseStream, signed with SigV4."""


class VertexProvider(VertexProviderFields, ProviderBase):
    """Google Vertex AI Gemini generateContent / streamGenerateContent."""


class CohereProvider(CohereProviderFields, ProviderBase):
    """Cohere v2 Chat and Embed."""


class SageMakerProvider(SageMakerProviderFields, ProviderBase):
    """A SageMaker endpoint (InvokeEndpoint and its response stream), signed with SigV4."""


class OpenAICompatibleProvider(OpenAICompatibleProviderFields, ProviderBase):
    """Any server speaking Chat Completions."""


class VllmProvider(ProviderBase):
    """A pool of vLLM workers serving one model over vLLM's gRPC API (`VllmEngine`)."""

    type: Literal["vllm"]
    locality: Locality = Locality.LOCAL
    workers: list[str] = Field(default_factory=list)
    """Worker addresses (`host:port`) known from config."""
    dns: str | None = None
    """`host:port` of a Kubernetes headless service: every address it resolves to is a worker,
    re-resolved every `discovery_interval_s`."""
    discovery_interval_s: float = Field(default=15.0, gt=0)
    """How often the DNS name is resolved again."""
    load_interval_s: float = Field(default=1.0, gt=0)
    """How often each worker's load is read with GetLoads."""
    load_tolerance: float = Field(default=2.0, ge=0)
    """Loads within this many requests of the least-loaded worker count as close: among them
    the prefix-affinity choice wins, so a shared system prompt hits a warm KV cache."""
    affinity_prefix_chars: int = Field(default=1024, ge=0)
    """How much of the conversation's shared part (all messages but the last) picks the
    preferred worker; 0 turns prefix affinity off."""
    eject_after_failures: int = Field(default=3, ge=1)
    """Consecutive failed calls or probes after which a worker gets no traffic."""
    probe_interval_s: float = Field(default=2.0, gt=0)
    """How often an ejected worker is probed (HealthCheck) to take it back."""
    connect_timeout_s: float = Field(default=5.0, gt=0)
    """Limit for reaching a worker, fetching its tokenizer and each load poll (GetLoads)."""
    tls: ClientTls | None = None
    """TLS (mutual with `cert_file`/`key_file`) to the workers, for workers started with
    `modelgw worker --tls-cert-file ...`. Plaintext when absent."""
    task: Literal["generate", "embed"] = "generate"
    """`embed` for a pool of pooling (embedding) models: the backend serves embeddings (the
    worker's Embed RPC), not chat."""
    tool_parser: Literal["hermes"] = "hermes"
    """How the model writes tool calls in its text (`<tool_call>{json}</tool_call>`: Qwen,
    Hermes and their fine-tunes); used when the chat template renders `tools`."""

    @model_validator(mode="after")
    def _some_workers(self) -> Self:
        if not self.workers and not self.dns:
            raise ValueError("a vllm provider needs `workers` or `dns`")
        if self.dns and self.tls and not self.tls.server_name:
            raise ValueError(
                "workers found through `dns` are dialled by IP address: set tls.server_name "
                "to a DNS name their certificate carries (e.g. the headless service's name)"
            )
        return self


ProviderConfig = Annotated[
    EchoProvider
    | OpenAIProvider
    | AzureOpenAIProvider
    | AnthropicProvider
    | BedrockProvider
    | VertexProvider
    | SageMakerProvider
    | OpenAICompatibleProvider
    | CohereProvider
    | VllmProvider,
    Field(discriminator="type"),
]
"""Any provider entry of the `[providers.NAME]` table."""
