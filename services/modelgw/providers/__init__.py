"""Backends: one module per provider type, all behind the `Backend` protocol."""

from modelgw.providers.base import Backend, BackendRequest, BackendResponse, StreamChunk
from modelgw.providers.registry import build_backend, build_backends

__all__ = [
    "Backend",
    "BackendRequest",
    "BackendResponse",
    "StreamChunk",
    "build_backend",
    "build_backends",
]
