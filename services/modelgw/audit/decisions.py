"""Which policy decisions a request's audit record lists, from what the pipeline knows."""

from __future__ import annotations

from modelgw.audit.records import PolicyDecision
from modelgw.common.messages import TrustDecision, TrustSummary

_BY_ACTION = {
    "mask": PolicyDecision.MASKED,
    "redact": PolicyDecision.REDACTED,
    "block": PolicyDecision.BLOCKED,
}


def policy_decisions(
    summary: TrustSummary, locality: str, *, fail_closed: bool = False
) -> tuple[str, ...]:
    found: set[str] = set()
    for finding in (*summary.prompt_entities, *summary.response_entities):
        decision = _BY_ACTION.get(finding.action)
        if decision is not None:
            found.add(decision.value)
    if summary.decision is TrustDecision.BLOCKED:
        found.add(PolicyDecision.BLOCKED.value)
    if locality == "local":
        found.add(PolicyDecision.ROUTED_LOCAL.value)
    if fail_closed:
        found.add(PolicyDecision.FAIL_CLOSED.value)
    return tuple(sorted(found))
