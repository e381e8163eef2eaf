"""The control plane: tenants, API keys, roles."""

from modelgw.control.directory import Principal, TenantDirectory

__all__ = ["Principal", "TenantDirectory"]
