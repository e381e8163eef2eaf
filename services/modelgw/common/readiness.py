"""Whether this process still wants new calls, for probes that ask over HTTP.

gRPC health keeps its own state (`grpc_server.GrpcServer.drain`); the HTTP
front door's `/healthz` reads this one. Both turn at SIGTERM, `server.drain_s`
before the listeners close, so a load balancer or Kubernetes endpoint sees
NOT_SERVING / 503 and sends elsewhere while calls still succeed.
"""

from __future__ import annotations


class Readiness:
    def __init__(self) -> None:
        self._draining = False

    @property
    def draining(self) -> bool:
        return self._draining

    def drain(self) -> None:
        """For good: a process that started shutting down never serves as ready again."""
        self._draining = True
