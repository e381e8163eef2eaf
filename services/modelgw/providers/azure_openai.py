"""`azure_openai`: Azure OpenAI deployments.

The route's upstream model names the deployment (it goes in the path, quoted);
`api-version` is a query parameter; the credential is an `api-key` header or
a Microsoft Entra ID bearer token that an agent keeps fresh in a file, which
is why the token is re-read on every call rather than cached.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import grpc

from modelgw.common.config.providers import AzureOpenAIProvider
from modelgw.common.config.secrets import SecretResolutionError, resolve_secret
from modelgw.providers.base import BackendRequest, EmbeddingRequest
from modelgw.providers.openai_chat import ChatCompletionsBackend, chat_body, embeddings_body
from modelgw.providers.transport.backend import UpstreamCall
from modelgw.providers.transport.errors import ProviderError


class AzureOpenAIBackend(ChatCompletionsBackend):
    provider_type = "azure_openai"
    provider_label = "Azure OpenAI"

    def __init__(self, name: str, config: AzureOpenAIProvider) -> None:
        super().__init__(name, config)
        self._config = config
        self._api_key = resolve_secret(config.api_key) if config.api_key else None
        if config.entra_token:
            resolve_secret(config.entra_token)  # fail at start if the token file is missing
        self._query = urlencode({"api-version": config.api_version})

    def _credential(self) -> dict[str, str]:
        if self._api_key is not None:
            return {"api-key": self._api_key}
        assert self._config.entra_token is not None
        try:
            token = resolve_secret(self._config.entra_token).strip()
        except SecretResolutionError as exc:
            raise ProviderError(
                f"backend {self.name!r}: Entra ID token unavailable",
                code=grpc.StatusCode.UNAVAILABLE,
                retryable=True,
            ) from exc
        return {"authorization": f"Bearer {token}"}

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        deployment = quote(request.model, safe="")
        path = f"/openai/deployments/{deployment}/chat/completions"
        url = f"{self._config.endpoint}{path}?{self._query}"
        body = chat_body(request, model=None, stream=stream, stream_usage=self._config.stream_usage)
        headers = {"content-type": "application/json", **self._credential()}
        return UpstreamCall(url, json.dumps(body).encode(), headers)

    async def embedding_call(self, request: EmbeddingRequest) -> UpstreamCall:
        """The deployment's `/embeddings` (the route's model names an embedding deployment)."""
        deployment = quote(request.model, safe="")
        url = f"{self._config.endpoint}/openai/deployments/{deployment}/embeddings?{self._query}"
        body = embeddings_body(request, model=None)
        headers = {"content-type": "application/json", **self._credential()}
        return UpstreamCall(url, json.dumps(body).encode(), headers)
