"""`openai_compatible`: any Chat Completions server (vLLM's HTTP server, TGI, llama.cpp, Ollama)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from modelgw.common.config.providers import OpenAICompatibleProvider
from modelgw.common.config.secrets import resolve_secret
from modelgw.providers.base import BackendRequest, EmbeddingRequest
from modelgw.providers.openai_chat import ChatCompletionsBackend, chat_body, embeddings_body
from modelgw.providers.transport.backend import UpstreamCall
from modelgw.providers.transport.errors import ErrorDetail


class OpenAICompatibleBackend(ChatCompletionsBackend):
    provider_type = "openai_compatible"
    provider_label = "the OpenAI-compatible server"

    def __init__(self, name: str, config: OpenAICompatibleProvider) -> None:
        super().__init__(name, config)
        self._config = config
        self._url = f"{config.base_url}/chat/completions"
        self._embeddings_url = f"{config.base_url}/embeddings"
        self._headers = {"content-type": "application/json"}
        if config.api_key:
            self._headers["authorization"] = f"Bearer {resolve_secret(config.api_key)}"

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        body = chat_body(
            request,
            model=request.model,
            stream=stream,
            stream_usage=self._config.stream_usage,
            max_tokens_field=self._config.max_tokens_field,
        )
        return UpstreamCall(self._url, json.dumps(body).encode(), dict(self._headers))

    async def embedding_call(self, request: EmbeddingRequest) -> UpstreamCall:
        """`/embeddings`, as vLLM serves it for pooling models (and TEI, Ollama, ...)."""
        body = embeddings_body(request, model=request.model)
        return UpstreamCall(self._embeddings_url, json.dumps(body).encode(), dict(self._headers))

    def describe_error(self, headers: Mapping[str, str], body: Any) -> ErrorDetail:
        # vLLM (and others) put the fields at the top level: {"object": "error", "message", "type"}
        if isinstance(body, dict) and body.get("object") == "error":
            return ErrorDetail(str(body.get("type") or ""))
        return super().describe_error(headers, body)
