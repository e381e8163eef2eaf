"""Tenant rules that decide where a request may go by the personal data in it.

"If PERSON or a medical record is present, only local backends"; "block if
credentials are present"; "only zero-retention providers in the EU". Rules
are checked in order against the entity types the trust layer detected; each
matching `restrict` rule narrows the candidates, a matching `block` refuses.
Nothing left means refused, never "send it anyway".
"""

from __future__ import annotations

from collections.abc import Sequence

from modelgw.common.config.providers import Locality
from modelgw.common.config.routing import RuleAction, SensitivityRule
from modelgw.common.errors import BlockedByPolicy
from modelgw.gateway.routing.plan import Candidate, RoutePlan


def _allowed(rule: SensitivityRule, candidate: Candidate) -> bool:
    if rule.require_locality is not None and candidate.locality is not rule.require_locality:
        return False
    if rule.require_regions is not None and candidate.region not in rule.require_regions:
        return False
    local = candidate.locality is Locality.LOCAL
    return not (rule.require_zero_retention and not (candidate.zero_retention or local))


def _label(rule: SensitivityRule, index: int) -> str:
    return rule.name or f"routing_rules[{index}]"


def apply_rules(
    plan: RoutePlan, rules: Sequence[SensitivityRule], entity_types: frozenset[str]
) -> RoutePlan:
    """The plan narrowed by every matching rule; raises BlockedByPolicy when nothing may go."""
    candidates = list(plan.candidates)
    reasons = list(plan.reasons)
    for index, rule in enumerate(rules):
        if not rule.matches(entity_types):
            continue
        found = sorted(entity_types if "*" in rule.entities else entity_types & set(rule.entities))
        label = _label(rule, index)
        if rule.action is RuleAction.BLOCK:
            raise BlockedByPolicy(
                f"blocked by the tenant's routing rule {label!r}: the prompt contains "
                f"{', '.join(found)}"
            )
        kept = [c for c in candidates if _allowed(rule, c)]
        dropped = [c.name for c in candidates if c not in kept]
        if not kept:
            raise BlockedByPolicy(
                f"blocked by the tenant's routing rule {label!r}: the prompt contains "
                f"{', '.join(found)} and no backend of model {plan.model!r} meets the rule"
            )
        if dropped:
            reasons.append(f"rule {label} ({', '.join(found)}) excluded {', '.join(dropped)}")
        candidates = kept
    return RoutePlan(plan.model, tuple(candidates), tuple(reasons))
