"""The one configuration schema of modelgw, its loader and embedded defaults."""

from modelgw.common.config.loader import ConfigError, load_config, parse_config
from modelgw.common.config.schema import (
    ApiKeyConfig,
    AuditConfig,
    CacheConfig,
    ClientTls,
    EntityAction,
    EntityPolicy,
    Locality,
    ModelConfig,
    ModelgwConfig,
    ProviderConfig,
    RouteTarget,
    ServerConfig,
    ServerTls,
    ServicesConfig,
    TelemetryConfig,
    TenantConfig,
    TrustConfig,
)
from modelgw.common.config.secrets import SecretRef, SecretResolutionError, resolve_secret

__all__ = [
    "ApiKeyConfig",
    "AuditConfig",
    "CacheConfig",
    "ClientTls",
    "ConfigError",
    "EntityAction",
    "EntityPolicy",
    "Locality",
    "ModelConfig",
    "ModelgwConfig",
    "ProviderConfig",
    "RouteTarget",
    "SecretRef",
    "SecretResolutionError",
    "ServerConfig",
    "ServerTls",
    "ServicesConfig",
    "TelemetryConfig",
    "TenantConfig",
    "TrustConfig",
    "load_config",
    "parse_config",
    "resolve_secret",
]
