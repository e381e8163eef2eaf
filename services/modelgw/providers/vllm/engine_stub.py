"""A worker's `VllmEngine` gRPC service, typed.

smg-grpc-proto ships typed messages (`*_pb2.pyi`) but an untyped gRPC module, so its
`VllmEngineStub` would make every call return Any. `VllmEngine` is the stub's shape
over a `grpc.aio` channel, for the RPCs the gateway makes.
"""

from __future__ import annotations

from typing import Protocol

import grpc
from smg_grpc_proto.generated import common_pb2, vllm_engine_pb2, vllm_engine_pb2_grpc


class VllmEngine(Protocol):
    Generate: grpc.aio.UnaryStreamMultiCallable[
        vllm_engine_pb2.GenerateRequest, vllm_engine_pb2.GenerateResponse
    ]
    HealthCheck: grpc.aio.UnaryUnaryMultiCallable[
        vllm_engine_pb2.HealthCheckRequest, vllm_engine_pb2.HealthCheckResponse
    ]
    GetLoads: grpc.aio.UnaryUnaryMultiCallable[
        vllm_engine_pb2.GetLoadsRequest, vllm_engine_pb2.GetLoadsResponse
    ]
    Abort: grpc.aio.UnaryUnaryMultiCallable[
        vllm_engine_pb2.AbortRequest, vllm_engine_pb2.AbortResponse
    ]
    GetTokenizer: grpc.aio.UnaryStreamMultiCallable[
        common_pb2.GetTokenizerRequest, common_pb2.GetTokenizerChunk
    ]
    Embed: grpc.aio.UnaryUnaryMultiCallable[
        vllm_engine_pb2.EmbedRequest, vllm_engine_pb2.EmbedResponse
    ]


def engine_stub(channel: grpc.aio.Channel) -> VllmEngine:
    stub: VllmEngine = vllm_engine_pb2_grpc.VllmEngineStub(channel)  # type: ignore[no-untyped-call]  # smg-grpc-proto ships its gRPC module untyped
    return stub
