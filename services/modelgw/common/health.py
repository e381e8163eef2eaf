"""Typed clients of the standard gRPC health service (`grpc.health.v1.Health`).

types-grpcio-health-checking declares `HealthStub` without its RPCs, so a call on it
does not type-check; `health_stub` gives the stub with `Check` typed, for a grpc.aio
channel or a blocking one.
"""

from __future__ import annotations

from typing import Protocol, overload

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


class AsyncHealth(Protocol):
    Check: grpc.aio.UnaryUnaryMultiCallable[
        health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse
    ]


class Health(Protocol):
    Check: grpc.UnaryUnaryMultiCallable[
        health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse
    ]


@overload
def health_stub(channel: grpc.aio.Channel) -> AsyncHealth: ...
@overload
def health_stub(channel: grpc.Channel) -> Health: ...
def health_stub(channel: grpc.aio.Channel | grpc.Channel) -> AsyncHealth | Health:
    stub: AsyncHealth | Health = health_pb2_grpc.HealthStub(channel)  # type: ignore[assignment]  # the stub package declares no RPCs on HealthStub
    return stub
