"""Cross-references of one tenant to the deployment: its routes and allowed models.

Shared by the config file's validation (`ModelgwConfig`) and by the control
plane, which checks an applied tenant document against the same deployment
before it becomes a version, so both refuse the same mistakes with the same
words.
"""

from __future__ import annotations

from collections.abc import Collection

from modelgw.common.config.tenants import TenantConfig


def tenant_problems(
    where: str, tenant: TenantConfig, providers: Collection[str], models: Collection[str]
) -> list[str]:
    """What in `tenant` names something the deployment lacks; `where` prefixes each key."""
    problems: list[str] = []
    for model_name, model in tenant.models.items():
        for i, target in enumerate(model.route):
            if target.provider not in providers:
                problems.append(
                    f"{where}models.{model_name}.route[{i}].provider: unknown provider "
                    f"{target.provider!r} (known: {sorted(providers) or 'none'})"
                )
    for allowed in tenant.allowed_models:
        if allowed != "*" and allowed not in models and allowed not in tenant.models:
            problems.append(f"{where}allowed_models: unknown model {allowed!r}")
    return problems
