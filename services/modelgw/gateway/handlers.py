"""The `Gateway` gRPC service: proto ⇄ domain around the pipeline, nothing more."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc

from modelgw.api.v1 import common_pb2, gateway_pb2, gateway_pb2_grpc
from modelgw.common.convert import (
    caller_from_pb,
    finish_reason_to_pb,
    locality_to_pb,
    messages_from_pb,
    params_from_pb,
    summary_to_pb,
    tool_calls_to_pb,
    usage_to_pb,
)
from modelgw.common.grpc_errors import abort_on_error
from modelgw.control.auth import CallerAuthenticator
from modelgw.gateway.chat import (
    ChatRequest,
    RouteInfo,
    StreamDelta,
    StreamEnd,
    StreamStart,
    StreamToolCall,
)
from modelgw.gateway.embeddings import EmbedRequest
from modelgw.gateway.pipeline import Pipeline
from modelgw.gateway.validation import client_request_id, new_request_id


def _route_to_pb(route: RouteInfo) -> common_pb2.RouteInfo:
    return common_pb2.RouteInfo(
        backend=route.backend,
        provider_type=route.provider_type,
        upstream_model=route.upstream_model,
        locality=locality_to_pb(route.locality),
        reason=route.reason,
    )


def _chat_request(
    request: gateway_pb2.GenerateRequest,
    context: grpc.aio.ServicerContext[gateway_pb2.GenerateRequest, Any],
) -> ChatRequest:
    # None when the caller set no deadline (grpc.aio does that; its stubs say float).
    remaining: float | None = context.time_remaining()
    return ChatRequest(
        model=request.model,
        messages=messages_from_pb(request.messages),
        params=params_from_pb(request.params),
        request_id=new_request_id(),
        client_request_id=client_request_id(request.request_id),
        caller=caller_from_pb(request.caller),
        deadline=time.monotonic() + remaining if remaining is not None else None,
    )


class GatewayService(gateway_pb2_grpc.GatewayServicer):
    def __init__(self, pipeline: Pipeline, authenticator: CallerAuthenticator) -> None:
        self._pipeline = pipeline
        self._auth = authenticator

    @abort_on_error
    async def Generate(
        self,
        request: gateway_pb2.GenerateRequest,
        context: grpc.aio.ServicerContext[
            gateway_pb2.GenerateRequest, gateway_pb2.GenerateResponse
        ],
    ) -> gateway_pb2.GenerateResponse:
        caller = await self._auth.authenticate(context.invocation_metadata() or ())
        chat = _chat_request(request, context)
        await context.send_initial_metadata((("x-request-id", chat.request_id),))
        result = await self._pipeline.generate(caller, chat)
        return gateway_pb2.GenerateResponse(
            request_id=result.request_id,
            client_request_id=result.client_request_id,
            model=result.model,
            message=common_pb2.ChatMessage(
                role=common_pb2.ROLE_ASSISTANT,
                content=result.text,
                tool_calls=tool_calls_to_pb(result.tool_calls),
            ),
            finish_reason=finish_reason_to_pb(result.finish_reason),
            usage=usage_to_pb(result.usage),
            trust=summary_to_pb(result.trust),
            route=_route_to_pb(result.route),
        )

    @abort_on_error
    async def GenerateStream(
        self,
        request: gateway_pb2.GenerateRequest,
        context: grpc.aio.ServicerContext[
            gateway_pb2.GenerateRequest, gateway_pb2.GenerateStreamResponse
        ],
    ) -> AsyncIterator[gateway_pb2.GenerateStreamResponse]:
        caller = await self._auth.authenticate(context.invocation_metadata() or ())
        chat = _chat_request(request, context)
        await context.send_initial_metadata((("x-request-id", chat.request_id),))
        events = await self._pipeline.generate_stream(caller, chat)
        # Closed on every exit, a cancelled call included: closing the pipeline's stream
        # is what aborts the backend request and writes the audit record right away.
        async with contextlib.aclosing(events):
            async for event in events:
                if isinstance(event, StreamStart):
                    yield gateway_pb2.GenerateStreamResponse(
                        request_id=event.request_id,
                        client_request_id=event.client_request_id,
                        route=_route_to_pb(event.route),
                        trust=summary_to_pb(event.trust),
                    )
                elif isinstance(event, StreamDelta):
                    yield gateway_pb2.GenerateStreamResponse(delta=event.text)
                elif isinstance(event, StreamToolCall):
                    delta = gateway_pb2.ToolCallDelta(
                        index=event.index, id=event.id, name=event.name, arguments=event.arguments
                    )
                    yield gateway_pb2.GenerateStreamResponse(tool_calls=[delta])
                elif isinstance(event, StreamEnd):
                    yield gateway_pb2.GenerateStreamResponse(
                        finish_reason=finish_reason_to_pb(event.finish_reason),
                        usage=usage_to_pb(event.usage),
                        trust=summary_to_pb(event.trust),
                    )

    @abort_on_error
    async def Embed(
        self,
        request: gateway_pb2.EmbedRequest,
        context: grpc.aio.ServicerContext[gateway_pb2.EmbedRequest, gateway_pb2.EmbedResponse],
    ) -> gateway_pb2.EmbedResponse:
        caller = await self._auth.authenticate(context.invocation_metadata() or ())
        remaining: float | None = context.time_remaining()
        embed = EmbedRequest(
            model=request.model,
            inputs=list(request.inputs),
            request_id=new_request_id(),
            caller=caller_from_pb(request.caller),
            deadline=time.monotonic() + remaining if remaining is not None else None,
            client_request_id=client_request_id(request.request_id),
            dimensions=request.dimensions if request.HasField("dimensions") else None,
        )
        await context.send_initial_metadata((("x-request-id", embed.request_id),))
        result = await self._pipeline.embed(caller, embed)
        return gateway_pb2.EmbedResponse(
            request_id=result.request_id,
            client_request_id=result.client_request_id,
            model=result.model,
            embeddings=[gateway_pb2.Embedding(values=v) for v in result.vectors],
            usage=usage_to_pb(result.usage),
            trust=summary_to_pb(result.trust),
            route=_route_to_pb(result.route),
        )

    @abort_on_error
    async def ListModels(
        self,
        request: gateway_pb2.ListModelsRequest,
        context: grpc.aio.ServicerContext[
            gateway_pb2.ListModelsRequest, gateway_pb2.ListModelsResponse
        ],
    ) -> gateway_pb2.ListModelsResponse:
        caller = await self._auth.authenticate(context.invocation_metadata() or ())
        return gateway_pb2.ListModelsResponse(
            models=[
                gateway_pb2.ModelInfo(name=name, description=description)
                for name, description in self._pipeline.list_models(caller)
            ]
        )
