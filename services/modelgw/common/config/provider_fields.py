"""Fields of the external provider adapters (bring your own model).

`providers.py` combines each of these with `ProviderBase` into one member of
the provider union; they live here so that file stays a short list.

Every address, region and credential of an upstream comes from here and
nowhere else: a request can name a model, never where it goes or with what
key (no SSRF path). Credentials are `SecretRef`s, resolved when the backend
is built so a missing secret fails at start.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.secrets import SecretRef


def _check_base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL, e.g. https://api.example.com/v1")
    if parts.username or parts.password:
        raise ValueError("must not contain credentials; use the provider's secret reference field")
    if parts.query or parts.fragment:
        raise ValueError("must not contain a query or fragment")
    return value.rstrip("/")


BaseUrl = Annotated[str, AfterValidator(_check_base_url)]
"""An upstream address from config: absolute http(s), no userinfo, no query."""


class HttpProviderMixin(StrictModel):
    """Transport settings shared by every adapter that speaks HTTP."""

    http2: bool = False
    """Offer HTTP/2 (negotiated over TLS; plain-HTTP upstreams always get HTTP/1.1). Off by
    default: the HTTP/1.1 keep-alive client costs a fraction of the CPU per request
    (`modelgw.providers.transport.client`)."""
    max_connections: int = Field(default=100, ge=1, le=10_000)
    """Connection pool size of this backend's shared client."""


class AwsCredentials(StrictModel):
    """Static AWS credentials for SigV4, each a secret reference. Leave `credentials` out
    to use botocore's default chain instead (IRSA, EKS Pod Identity, instance role)."""

    access_key_id: SecretRef
    secret_access_key: SecretRef
    session_token: SecretRef | None = None
    """Only for temporary credentials (STS)."""


class TokenPrice(StrictModel):
    """What one model costs, in the deployment's billing currency."""

    input_per_million: float = Field(ge=0)
    """Price of one million prompt tokens."""
    output_per_million: float = Field(ge=0)
    """Price of one million completion tokens."""


class _RegionRequired(StrictModel):
    """For providers whose endpoint and request signature depend on the region."""

    @model_validator(mode="after")
    def _region_set(self) -> Self:
        if not getattr(self, "region", None):
            kind = getattr(self, "type", "this provider")
            raise ValueError(f"`region` is required for {kind}: it picks the endpoint and signs")
        return self


class _OpenAIChatFields(StrictModel):
    stream_usage: bool = True
    """Ask for usage in the last streamed chunk (`stream_options.include_usage`)."""


class OpenAIProviderFields(_OpenAIChatFields, HttpProviderMixin):
    type: Literal["openai"]
    base_url: BaseUrl = "https://api.openai.com/v1"
    api_key: SecretRef
    organization: str | None = None
    """Sent as `OpenAI-Organization`."""
    project: str | None = None
    """Sent as `OpenAI-Project`."""


class AzureOpenAIProviderFields(_OpenAIChatFields, HttpProviderMixin):
    """Azure OpenAI: the route's upstream model is the *deployment* name."""

    type: Literal["azure_openai"]
    endpoint: BaseUrl
    """The resource endpoint, e.g. `https://my-resource.openai.azure.com`."""
    api_version: str = Field(default="2024-10-21", pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$")
    api_key: SecretRef | None = None
    """Sent as `api-key`; set this or `entra_token`."""
    entra_token: SecretRef | None = None
    """A Microsoft Entra ID access token kept fresh by an agent (re-read on every call)."""

    @model_validator(mode="after")
    def _one_credential(self) -> Self:
        if (self.api_key is None) == (self.entra_token is None):
            raise ValueError("set exactly one of `api_key` and `entra_token`")
        return self


class AnthropicProviderFields(HttpProviderMixin):
    type: Literal["anthropic"]
    base_url: BaseUrl = "https://api.anthropic.com"
    api_key: SecretRef
    anthropic_version: str = "2023-06-01"
    """Sent as `anthropic-version`."""
    default_max_tokens: int = Field(default=1024, ge=1)
    """The Messages API requires max_tokens; used when the caller sets none."""


class BedrockProviderFields(_RegionRequired, HttpProviderMixin):
    """AWS Bedrock Converse / ConverseStream; the upstream model is the model or profile id."""

    type: Literal["bedrock"]
    endpoint_url: BaseUrl | None = None
    """Defaults to `https://bedrock-runtime.{region}.amazonaws.com` (set for VPC endpoints)."""
    credentials: AwsCredentials | None = None
    """Static keys; unset: botocore's default chain (workload identity, instance role)."""


class VertexProviderFields(_RegionRequired, HttpProviderMixin):
    """Google Vertex AI Gemini; credentials are a google-auth credentials file."""

    type: Literal["vertex"]
    project: str = Field(pattern=r"^[a-z][a-z0-9-]{4,61}[a-z0-9]$")
    publisher: str = Field(default="google", pattern=r"^[a-z0-9-]+$")
    endpoint_url: BaseUrl | None = None
    """Defaults to `https://{region}-aiplatform.googleapis.com`."""
    credentials_file: SecretRef | None = None
    """A service-account key JSON, usually `file:/var/run/secrets/...`. Unset: Application
    Default Credentials (`google.auth.default()`: GKE Workload Identity, the metadata
    server, or the file in GOOGLE_APPLICATION_CREDENTIALS)."""


class SageMakerProviderFields(_RegionRequired, HttpProviderMixin):
    """A SageMaker real-time endpoint; the upstream model is the endpoint name."""

    type: Literal["sagemaker"]
    endpoint_url: BaseUrl | None = None
    """Defaults to `https://runtime.sagemaker.{region}.amazonaws.com`."""
    credentials: AwsCredentials | None = None
    """Static keys; unset: botocore's default chain (workload identity, instance role)."""
    container: Literal["openai_chat", "tgi"] = "openai_chat"
    """Payload the container speaks: Chat Completions messages, or TGI `inputs`/`parameters`."""
    inference_component: str | None = None
    """Sent as `X-Amzn-SageMaker-Inference-Component` for multi-model endpoints."""
    stream_usage: bool = True
    """For `openai_chat`: ask for usage in the last streamed chunk."""


class OpenAICompatibleProviderFields(_OpenAIChatFields, HttpProviderMixin):
    """Any Chat Completions server: vLLM's HTTP server, TGI, llama.cpp, Ollama."""

    type: Literal["openai_compatible"]
    base_url: BaseUrl
    """Up to and including `/v1`, e.g. `http://vllm.internal:8000/v1`."""
    api_key: SecretRef | None = None
    """Sent as a bearer token when set."""
    max_tokens_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    """Name of the output-length field the server understands."""


class CohereProviderFields(HttpProviderMixin):
    """Cohere's v2 API: Chat (`/v2/chat`, with tools and JSON output) and Embed (`/v2/embed`)."""

    type: Literal["cohere"]
    base_url: BaseUrl = "https://api.cohere.com"
    api_key: SecretRef
    embed_input_type: Literal["search_document", "search_query", "classification", "clustering"] = (
        "search_document"
    )
    """Cohere's `input_type` for embeddings (the OpenAI API has no such field): what the
    vectors are for. Use two providers (or routes) to embed documents and queries apart."""
