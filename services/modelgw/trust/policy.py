"""What a tenant's policy decides, and the fingerprint that keys memoised analyses."""

from __future__ import annotations

import hashlib
from collections import Counter

from modelgw.common.config.tenants import EntityAction, EntityPolicy
from modelgw.common.messages import EntityFinding, TrustDecision, TrustSummary
from modelgw.trust.masking import MaskingTally

_KNOWN_MAX = 1024
_known: dict[tuple[str, int], tuple[EntityPolicy, str]] = {}
"""Fingerprints of the policy objects seen lately. Every scanned segment of an answer asks
for one (a SHA-256 over the policy's rules: ~1% of a streamed token's CPU); a tenant's
policy object lives as long as its config, so it is computed once per config."""


def policy_fingerprint(tenant: str, policy: EntityPolicy) -> str:
    """Changes whenever anything that affects detection for this tenant changes.

    The tenant name is part of it, so two tenants with equal policies still
    never share memoised entries. Policies are immutable config objects, so the
    fingerprint of one is remembered by identity (the object kept, so its id
    cannot be reused while remembered).
    """
    known = _known.get((tenant, id(policy)))
    if known is not None and known[0] is policy:
        return known[1]
    if len(_known) >= _KNOWN_MAX:
        _known.clear()
    fingerprint = _fingerprint(tenant, policy)
    _known[(tenant, id(policy))] = (policy, fingerprint)
    return fingerprint


def _fingerprint(tenant: str, policy: EntityPolicy) -> str:
    rules = [(p.entity_type, p.regex, p.score) for p in policy.custom_patterns]
    deny = [(d.entity_type, tuple(d.terms)) for d in policy.deny_list]
    material = repr((tenant, rules, deny)).encode()
    return hashlib.sha256(material).hexdigest()


def findings(tally: MaskingTally) -> tuple[EntityFinding, ...]:
    return tuple(
        EntityFinding(entity_type=t, count=n, action=a.value)
        for (t, a), n in sorted(tally.counts.items())
    )


def summarize(tally: MaskingTally) -> TrustSummary:
    """Turn counts into the summary that callers and the audit log see (no values)."""
    actions = Counter(a for (_, a) in tally.counts.elements())
    if actions[EntityAction.BLOCK]:
        decision = TrustDecision.BLOCKED
    elif actions[EntityAction.MASK] or actions[EntityAction.REDACT]:
        decision = TrustDecision.MASKED
    elif actions[EntityAction.ALLOW]:
        decision = TrustDecision.ALLOWED
    else:
        decision = TrustDecision.CLEAN
    return TrustSummary(decision=decision, prompt_entities=findings(tally))
