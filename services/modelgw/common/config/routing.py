"""How the routing engine behaves: retries, breakers, and tenants' data-sensitivity rules.

The engine-wide knobs live in `[routing]`; sensitivity rules are per tenant
(`[tenants.NAME] routing_rules`) because which data may go where is the
tenant's decision, not the operator's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from modelgw.common.config.base import StrictModel
from modelgw.common.config.providers import Locality


class RetryConfig(StrictModel):
    max_attempts: int = Field(default=3, ge=1, le=10)
    """Calls one request may make in all, over every backend of its route."""
    max_attempts_per_backend: int = Field(default=2, ge=1, le=10)
    """Calls to one backend before falling back to the next (429 always falls back at once)."""
    backoff_initial_ms: float = Field(default=50.0, ge=0)
    """Wait before the first retry of the same backend; doubles per retry, with full jitter."""
    backoff_max_ms: float = Field(default=2000.0, ge=0)
    """Longest wait between two tries; never past the caller's deadline."""
    budget_ratio: float = Field(default=0.2, ge=0, le=10)
    """Retries allowed per first try over `budget_window_s`: caps the load retries add
    when a backend is down, so a failing backend is not hit three times as hard."""
    budget_min_per_s: float = Field(default=5.0, ge=0)
    """Retries always allowed per second, so low traffic can still retry."""
    budget_window_s: float = Field(default=10.0, gt=0, le=600)
    """Window over which tries and retries are counted for the budget."""


class BreakerConfig(StrictModel):
    failure_threshold: int = Field(default=5, ge=1)
    """Consecutive failures (timeouts, 429, 5xx, unavailable) that open a backend's breaker."""
    open_s: float = Field(default=10.0, gt=0)
    """How long an open breaker refuses calls before letting one probe through (half-open)."""


class RoutingConfig(StrictModel):
    """Engine-wide behaviour of the routing engine, for every model and backend."""

    retry: RetryConfig = Field(default_factory=RetryConfig)
    breaker: BreakerConfig = Field(default_factory=BreakerConfig)
    retry_after_max_s: float = Field(default=600.0, ge=0, le=86_400)
    """An upstream that answers 429 (or 503) with `retry-after` (or a rate-limit reset
    header) is not called again for that model until the time passes; a longer wait asked
    for is cut to this. 0: `retry-after` is ignored."""


class RuleAction(StrEnum):
    RESTRICT = "restrict"
    """Only backends meeting the rule's requirements may answer; none left means refused."""
    BLOCK = "block"
    """The request is refused when the rule matches."""


class SensitivityRule(StrictModel):
    """ "If the prompt contains any of these entity types, then ..." for one tenant."""

    name: str = Field(default="", max_length=64)
    """Shown in the route reason and the audit record; defaults to the rule's position."""
    entities: list[str] = Field(min_length=1)
    """Entity types (as the trust layer names them, e.g. PERSON, US_SSN) that trigger the rule;
    `*` matches any detected entity."""
    action: RuleAction = RuleAction.RESTRICT
    require_locality: Locality | None = None
    """Only backends of this locality, e.g. `local` keeps the data in your network."""
    require_regions: list[str] | None = None
    """Only backends whose `region` is one of these."""
    require_zero_retention: bool = False
    """Only backends with a zero-retention contract (local backends retain nothing outside)."""

    @model_validator(mode="after")
    def _requirements_fit_action(self) -> Self:
        has_requirement = (
            self.require_locality is not None
            or self.require_regions is not None
            or self.require_zero_retention
        )
        if self.action is RuleAction.RESTRICT and not has_requirement:
            raise ValueError(
                "a `restrict` rule needs at least one of require_locality, require_regions, "
                "require_zero_retention"
            )
        if self.action is RuleAction.BLOCK and has_requirement:
            raise ValueError("a `block` rule takes no require_* keys")
        return self

    def matches(self, entity_types: frozenset[str] | set[str]) -> bool:
        if "*" in self.entities:
            return bool(entity_types)
        return not entity_types.isdisjoint(self.entities)
