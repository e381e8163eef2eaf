"""`openai`: OpenAI Chat Completions, with organisation and project headers."""

from __future__ import annotations

import json

from modelgw.common.config.providers import OpenAIProvider
from modelgw.common.config.secrets import resolve_secret
from modelgw.providers.base import BackendRequest, EmbeddingRequest
from modelgw.providers.openai_chat import ChatCompletionsBackend, chat_body, embeddings_body
from modelgw.providers.transport.backend import UpstreamCall


class OpenAIBackend(ChatCompletionsBackend):
    provider_type = "openai"
    provider_label = "OpenAI"

    def __init__(self, name: str, config: OpenAIProvider) -> None:
        super().__init__(name, config)
        self._config = config
        self._url = f"{config.base_url}/chat/completions"
        self._embeddings_url = f"{config.base_url}/embeddings"
        self._headers = {
            "authorization": f"Bearer {resolve_secret(config.api_key)}",
            "content-type": "application/json",
        }
        if config.organization:
            self._headers["openai-organization"] = config.organization
        if config.project:
            self._headers["openai-project"] = config.project

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        body = chat_body(
            request,
            model=request.model,
            stream=stream,
            stream_usage=self._config.stream_usage,
            max_tokens_field="max_completion_tokens",
        )
        body["store"] = False  # never keep completions for distillation/evals on OpenAI's side
        return UpstreamCall(self._url, json.dumps(body).encode(), dict(self._headers))

    async def embedding_call(self, request: EmbeddingRequest) -> UpstreamCall:
        body = embeddings_body(request, model=request.model)
        return UpstreamCall(self._embeddings_url, json.dumps(body).encode(), dict(self._headers))
