"""The one configuration schema of modelgw, its loader and embedded defaults."""

from modelgw.common.config.loader import ConfigError, load_config, parse_config
from modelgw.common.config.schema import (
    ApiKeyConfig,
    AuditConfig,
    CacheConfig,
    EntityAction,
    EntityPolicy,
    Locality,
    ModelConfig,
    ModelgwConfig,
    ProviderConfig,
    RouteTarget,
    ServerConfig,
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
    "ServicesConfig",
    "TelemetryConfig",
    "TenantConfig",
    "TrustConfig",
    "load_config",
    "parse_config",
    "resolve_secret",
]
