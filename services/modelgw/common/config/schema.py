"""The root of the configuration schema and its cross-reference checks.

Every key is described here (attribute docstrings become the field
descriptions); `deploy/config/modelgw.example.toml` shows them in use.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from modelgw.common.config.audit import AuditConfig
from modelgw.common.config.base import StrictModel
from modelgw.common.config.control import ControlConfig
from modelgw.common.config.models import ModelConfig, RouteTarget
from modelgw.common.config.observability import LoggingConfig, MetricsConfig
from modelgw.common.config.providers import Locality, ProviderConfig
from modelgw.common.config.quotas import QuotaConfig, TenantQuotas
from modelgw.common.config.redis import RedisConnection
from modelgw.common.config.references import tenant_problems
from modelgw.common.config.routing import RoutingConfig
from modelgw.common.config.secrets import SecretRef
from modelgw.common.config.tenants import (
    NAME_PATTERN,
    ApiKeyConfig,
    EntityAction,
    EntityPolicy,
    Role,
    TenantConfig,
)
from modelgw.common.config.tls import ClientTls, PemPath, ServerTls
from modelgw.common.config.trust import TrustConfig

__all__ = [
    "ApiKeyConfig",
    "AuditConfig",
    "CacheConfig",
    "ClientTls",
    "ControlConfig",
    "EntityAction",
    "EntityPolicy",
    "Locality",
    "ModelConfig",
    "ModelgwConfig",
    "ProviderConfig",
    "QuotaConfig",
    "Role",
    "RouteTarget",
    "ServerConfig",
    "ServerTls",
    "ServicesConfig",
    "TelemetryConfig",
    "TenantConfig",
    "TenantQuotas",
    "TrustConfig",
]


def is_loopback_address(address: str) -> bool:
    """Whether a `host:port` listen address only accepts local connections."""
    host = address.rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServerConfig(StrictModel):
    grpc_address: str = "127.0.0.1:50051"
    """Where the public gRPC API listens (`host:port`)."""
    http_address: str | None = "127.0.0.1:8080"
    """Where the OpenAI-compatible HTTP API listens (`host:port`); empty or null turns it off."""
    max_message_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    """Largest request a client may send: larger gRPC messages get RESOURCE_EXHAUSTED,
    larger HTTP bodies 413."""
    drain_s: float = Field(default=5.0, ge=0, le=300)
    """On SIGTERM, how long the process goes on serving while it reports NOT_SERVING (gRPC
    health) and 503 (`/healthz`), so load balancers and Kubernetes endpoints stop sending
    before the listeners close; a second signal cuts it short. 0: close at once."""
    shutdown_grace_s: float = Field(default=10.0, ge=0)
    """After the drain, how long in-flight calls may finish before they are cancelled (each
    is still audited, as cut off by the shutdown)."""
    tls: ServerTls | None = None
    """TLS on the gateway's gRPC and HTTP front doors (under `modelgw serve`, also on the
    audit service sharing the gRPC port). Plaintext when absent."""
    health_address: str | None = None
    """A plaintext listener (`host:port`) that serves only gRPC health
    (`grpc.health.v1.Health`, the process's own status), for probes that cannot speak TLS,
    such as Kubernetes' gRPC probes. Every modelgw process opens it; off when empty."""
    processes: Annotated[int, Field(ge=1, le=64)] | Literal["auto"] = 1
    """How many gateway processes `modelgw serve` runs on these ports, to use more than one
    core: the kernel spreads new connections over them (SO_REUSEPORT), and they share one
    trust process (the detector pool) over a private socket. Above 1, the state they share
    must live outside them: audit and control stores on Postgres and `quotas.store = "redis"`
    (`modelgw serve` says which is missing). `auto`: one per usable core where the stores
    allow it, else 1. See docs/deploy.md, "Gateway processes"."""
    process_trust: Literal["shared", "own"] = "shared"
    """With `processes` above 1, where each gateway process's trust layer runs. `shared`:
    one trust process for all (one detector pool and memo; each request pays a call over a
    Unix socket, measured at 2.6x the CPU per request on 2 cores). `own`: in each gateway
    process, with its own `trust.workers` detector processes (no extra call; memory and
    detection memo per process)."""

    @model_validator(mode="after")
    def _health_apart(self) -> Self:
        if self.health_address and self.health_address in (self.grpc_address, self.http_address):
            raise ValueError("health_address must be a port of its own")
        return self


class ServicesConfig(StrictModel):
    """Where the other services are when they run as separate processes.

    An empty address means "in this process": `modelgw serve` leaves them all empty.
    """

    trust_address: str | None = None
    audit_address: str | None = None
    control_address: str | None = None
    trust_listen: str = "127.0.0.1:50052"
    """Listen address of `modelgw trust`."""
    audit_listen: str = "127.0.0.1:50053"
    """Listen address of `modelgw audit`."""
    control_listen: str = "127.0.0.1:50054"
    """Listen address of `modelgw control`."""
    internal_token: SecretRef | None = None
    """Shared token services present to each other; required once any service is remote."""
    tls: ServerTls | None = None
    """TLS on the trust, audit and control listeners (`*_listen`) when they run alone; with
    `require_client_cert`, only peers with a certificate from `client_ca_file` get in
    (mutual TLS). Plaintext when absent."""
    client_tls: ClientTls | None = None
    """How a service reaches the others at `*_address` (gateway to trust, audit and control;
    audit to control): the CA their certificates are checked against, and this service's
    own certificate for mutual TLS. Plaintext when absent."""

    @model_validator(mode="after")
    def _token_when_split(self) -> Self:
        remote = self.trust_address or self.audit_address or self.control_address
        if remote and not self.internal_token:
            raise ValueError(
                "internal_token is required when a service address is set "
                '(e.g. internal_token = "env:MODELGW_INTERNAL_TOKEN")'
            )
        if remote and self.tls and self.client_tls is None:
            raise ValueError(
                "services.tls makes the services listen with TLS, but services.client_tls is "
                "not set, so they would be called in plaintext: add [services.client_tls] "
                "with ca_file (and cert_file/key_file for mutual TLS)"
            )
        if (
            self.tls
            and self.tls.require_client_cert
            and self.client_tls
            and not self.client_tls.presents_certificate
        ):
            raise ValueError(
                "services.tls.require_client_cert refuses peers without a certificate, but "
                "services.client_tls has no cert_file/key_file: the services could not reach "
                "each other"
            )
        return self


class CacheBackend(StrEnum):
    NONE = "none"
    MEMORY = "memory"
    REDIS = "redis"


class CacheConfig(RedisConnection):
    backend: CacheBackend = CacheBackend.MEMORY
    ttl_s: int = Field(default=300, ge=1)
    timeout_ms: int = Field(default=100, ge=5, le=1000)
    """Longest a request waits for Redis (connect, pool, read) before the lookup counts as a
    miss: the cache only saves time, so a slow cache must never cost more than this."""
    breaker_failures: int = Field(default=5, ge=1)
    """Consecutive failed lookups or writes after which Redis is skipped (every lookup a miss
    at once) for `breaker_open_s`; then one probe decides whether it is back."""
    breaker_open_s: float = Field(default=10.0, gt=0, le=3600)
    """How long a tripped cache is skipped before one probe tries Redis again."""


class TelemetryConfig(StrictModel):
    service_name: str = "modelgw"
    otlp_endpoint: str | None = None
    """OTLP/gRPC collector address; telemetry export is off when empty."""
    otlp_insecure: bool = True
    """Plaintext to the collector (a collector beside the service, as in the shipped stacks);
    false: TLS, checked against `otlp_ca_file` or the system's root CAs."""
    otlp_ca_file: PemPath | None = None
    """CA bundle the collector's certificate is checked against (needs `otlp_insecure =
    false`)."""
    sample_ratio: float = Field(default=1.0, ge=0, le=1)

    @model_validator(mode="after")
    def _ca_needs_tls(self) -> Self:
        if self.otlp_ca_file and self.otlp_insecure:
            raise ValueError(
                "otlp_ca_file is only used over TLS: set otlp_insecure = false as well"
            )
        return self


class ModelgwConfig(StrictModel):
    """The whole configuration of a modelgw deployment."""

    server: ServerConfig = Field(default_factory=ServerConfig)
    services: ServicesConfig = Field(default_factory=ServicesConfig)
    providers: dict[str, ProviderConfig] = Field(default_factory=dict)
    models: dict[str, ModelConfig] = Field(default_factory=dict)
    tenants: dict[str, TenantConfig] = Field(default_factory=dict)
    trust: TrustConfig = Field(default_factory=TrustConfig)
    routing: RoutingConfig = Field(default_factory=RoutingConfig)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    quotas: QuotaConfig = Field(default_factory=QuotaConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    control: ControlConfig = Field(default_factory=ControlConfig)
    telemetry: TelemetryConfig = Field(default_factory=TelemetryConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)

    @model_validator(mode="after")
    def _cross_references(self) -> Self:
        """Check that names point at things that exist, so mistakes fail at start."""
        import re

        name = re.compile(NAME_PATTERN)
        problems: list[str] = []
        for table in ("providers", "models", "tenants"):
            for key in getattr(self, table):
                if not name.match(key):
                    problems.append(f"{table}.{key}: name must match {NAME_PATTERN}")
        for model_name, model in self.models.items():
            for i, target in enumerate(model.route):
                if target.provider not in self.providers:
                    problems.append(
                        f"models.{model_name}.route[{i}].provider: unknown provider "
                        f"{target.provider!r} (known: {sorted(self.providers) or 'none'})"
                    )
        seen_hashes: dict[str, str] = {}
        for tenant_name, tenant in self.tenants.items():
            problems += tenant_problems(
                f"tenants.{tenant_name}.", tenant, self.providers, self.models
            )
            key_ids: set[str] = set()
            for i, key in enumerate(tenant.api_keys):
                where = f"tenants.{tenant_name}.api_keys[{i}]"
                if key.id in key_ids:
                    problems.append(f"{where}.id: duplicate key id {key.id!r}")
                key_ids.add(key.id)
                if key.sha256 in seen_hashes:
                    problems.append(f"{where}.sha256: same key as {seen_hashes[key.sha256]}")
                seen_hashes[key.sha256] = where
        for i, admin in enumerate(self.control.platform_admin_keys):
            where = f"control.platform_admin_keys[{i}]"
            if admin.sha256 in seen_hashes:
                problems.append(f"{where}.sha256: same key as {seen_hashes[admin.sha256]}")
            seen_hashes[admin.sha256] = where
        if problems:
            raise ValueError("; ".join(problems))
        return self
