"""The `vllm` backend: local models on vLLM workers over vLLM's gRPC API."""

from modelgw.providers.vllm.backend import VllmBackend

__all__ = ["VllmBackend"]
