"""Metrics and log settings: what an operator scrapes, and what each log line looks like.

Traces keep their settings in `[telemetry]`; these two tables sit beside it.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from modelgw.common.config.base import StrictModel

QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "h2", "grpc", "botocore", "urllib3", "asyncio")
"""Libraries that log every upstream request or connection event at INFO."""


class MetricsConfig(StrictModel):
    enabled: bool = True
    """Record metrics at all. Off, every instrument is a no-op (`/metrics` answers 404)."""
    listen: str | None = None
    """A plaintext HTTP listener (`host:port`) of its own that serves only `/metrics`, in every
    modelgw process (trust, audit and control too): the port Prometheus scrapes. Off when
    empty."""
    on_http_port: bool = True
    """Also serve `/metrics` on the gateway's OpenAI-compatible HTTP port. Turn it off where
    that port is reachable from outside (metrics name tenants and models) and scrape
    `listen` instead, as the Kubernetes manifests do."""
    otlp_interval_s: float = Field(default=60.0, gt=0)
    """How often metrics are pushed to `telemetry.otlp_endpoint` (when one is set)."""


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class LoggingConfig(StrictModel):
    format: LogFormat = LogFormat.TEXT
    """`text`: one readable line per record (the default, for a terminal). `json`: one JSON
    object per line with the trace and span id, tenant and request id, for a log pipeline."""
    quiet: list[str] = Field(default_factory=lambda: list(QUIET_LOGGERS))
    """Loggers held at WARNING whatever `--log-level` says: third-party libraries that
    would otherwise write a line for every upstream call."""
