"""A tenant's own recognizers: custom regex patterns and deny lists from its entity policy.

Compiled once per policy (the engine caches them by policy fingerprint) and
run on every text of that tenant only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelgw.common.config.tenants import EntityPolicy


@dataclass(frozen=True, slots=True)
class TenantRule:
    entity_type: str
    pattern: re.Pattern[str]
    score: float


def compile_rules(policy: EntityPolicy) -> tuple[TenantRule, ...]:
    rules = [
        TenantRule(p.entity_type, re.compile(p.regex), p.score) for p in policy.custom_patterns
    ]
    for deny in policy.deny_list:
        alternatives = "|".join(re.escape(t) for t in sorted(deny.terms, key=len, reverse=True))
        rules.append(
            TenantRule(deny.entity_type, re.compile(rf"(?i)(?<!\w)(?:{alternatives})(?!\w)"), 1.0)
        )
    return tuple(rules)


def find(rules: tuple[TenantRule, ...], text: str) -> list[tuple[str, int, int, float]]:
    return [
        (rule.entity_type, m.start(), m.end(), rule.score)
        for rule in rules
        for m in rule.pattern.finditer(text)
        if m.end() > m.start()
    ]
