"""`sagemaker`: a SageMaker real-time endpoint, SigV4-signed (service `sagemaker`).

InvokeEndpoint carries the container's own payload; the route's upstream
model names the endpoint. Two container dialects: `openai_chat` (LMI/vLLM or
TGI's Messages API: Chat Completions JSON) and `tgi` (`inputs`/`parameters`).
InvokeEndpointWithResponseStream wraps the container's byte stream (SSE for
both dialects) in AWS event-stream `PayloadPart` frames, split anywhere:
the payloads are concatenated and fed to the dialect's SSE decoder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from modelgw.common.config.providers import SageMakerProvider
from modelgw.providers.aws import SigV4Signer, describe_aws_error, raise_exception_frame
from modelgw.providers.base import BackendRequest, BackendResponse, StreamChunk
from modelgw.providers.features import CHAT_COMPLETIONS, Feature
from modelgw.providers.openai_chat import ChatStreamDecoder, chat_body, parse_chat_response
from modelgw.providers.tgi import TgiStreamDecoder, parse_tgi_response, tgi_body
from modelgw.providers.transport.backend import HttpBackend, StreamDecoder, UpstreamCall
from modelgw.providers.transport.errors import ErrorDetail, early_end
from modelgw.providers.transport.eventstream import EventStreamDecoder


class SageMakerBackend(HttpBackend):
    provider_type = "sagemaker"
    provider_label = "SageMaker"
    features: frozenset[Feature]

    def __init__(self, name: str, config: SageMakerProvider) -> None:
        super().__init__(name, config)
        assert config.region is not None  # the schema requires it
        self._config = config
        self._endpoint = (
            config.endpoint_url or f"https://runtime.sagemaker.{config.region}.amazonaws.com"
        )
        self._signer = SigV4Signer(config.credentials, "sagemaker", config.region)
        # The container decides what it takes; an `openai_chat` one gets the whole format.
        self.features = (
            CHAT_COMPLETIONS if config.container == "openai_chat" else frozenset({Feature.SEED})
        )

    async def prepare(self, request: BackendRequest, *, stream: bool) -> UpstreamCall:
        if self._config.container == "tgi":
            body = tgi_body(request, stream=stream)
        else:
            body = chat_body(
                request, model=None, stream=stream, stream_usage=self._config.stream_usage
            )
        operation = "invocations-response-stream" if stream else "invocations"
        url = f"{self._endpoint}/endpoints/{quote(request.model, safe='')}/{operation}"
        headers = {"content-type": "application/json"}
        if stream:
            headers["x-amzn-sagemaker-accept"] = "text/event-stream"
        else:
            headers["accept"] = "application/json"
        if self._config.inference_component:
            headers["x-amzn-sagemaker-inference-component"] = self._config.inference_component
        payload = json.dumps(body).encode()
        return UpstreamCall(url, payload, await self._signer.sign(url, payload, headers))

    def parse_response(self, data: Any) -> BackendResponse:
        if self._config.container == "tgi":
            return parse_tgi_response(data)
        return parse_chat_response(data)

    def describe_error(self, headers: Mapping[str, str], body: Any) -> ErrorDetail:
        return describe_aws_error(headers, body)

    def stream_decoder(self) -> StreamDecoder:
        inner: StreamDecoder
        if self._config.container == "tgi":
            inner = TgiStreamDecoder(self.name, self.provider_label)
        else:
            inner = ChatStreamDecoder(self.name, self.provider_label)
        return _ResponseStream(self.name, self.provider_label, inner)


class _ResponseStream:
    """Unwraps `PayloadPart` frames and hands their bytes to the container's decoder."""

    def __init__(self, backend: str, provider: str, inner: StreamDecoder) -> None:
        self._backend, self._provider = backend, provider
        self._frames = EventStreamDecoder()
        self._inner = inner

    def feed(self, data: bytes) -> list[StreamChunk]:
        chunks: list[StreamChunk] = []
        for frame in self._frames.feed(data):
            if frame.message_type != "event":
                raise_exception_frame(self._backend, self._provider, frame)
            if frame.event_type == "PayloadPart":
                chunks.extend(self._inner.feed(frame.payload))
        return chunks

    def finish(self) -> list[StreamChunk]:
        if self._frames.pending():
            raise early_end(self._backend, self._provider, "truncated event frame")
        return self._inner.finish()
