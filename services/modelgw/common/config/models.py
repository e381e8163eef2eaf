"""Models and their routes: a name callers use, mapped to an ordered list of backends.

Its own module because two places define models: the deployment (`[models]`,
every tenant may see them) and a tenant's own document (`models` in
`[tenants.NAME]`, only that tenant sees them; see `modelgw.common.config.tenants`).
"""

from __future__ import annotations

from pydantic import Field

from modelgw.common.config.base import StrictModel


class RouteTarget(StrictModel):
    provider: str
    """Name of an entry in `[providers]`."""
    model: str | None = None
    """The provider's own model name; defaults to the modelgw model name."""
    weight: float = Field(default=1.0, gt=0)
    """Relative share of traffic among targets of equal priority."""
    priority: int | None = Field(default=None, ge=0)
    """Lower goes first; targets of equal priority share traffic by `weight`. Defaults to the
    target's position in the route, so a plain list is an ordered chain of fallbacks."""


class ModelConfig(StrictModel):
    description: str = ""
    route: list[RouteTarget] = Field(min_length=1)
    """Backends in order of preference; later ones are fallbacks."""
