"""The scan-then-restore filter one request's answer runs through, set up for that request.

What it needs to know comes from the request's trail: which backend answered (the
scanner checks the answer against what that locality may receive), the tenant's
answer policy (plain-words release), and whether the answer is JSON (restored values
are escaped inside its strings).
"""

from __future__ import annotations

from modelgw.common.config.tenants import AnswerRelease, EntityAction
from modelgw.gateway.json_texts import escape_in_string
from modelgw.gateway.trail import AuditTrail
from modelgw.trust.answer import AnswerFilter
from modelgw.trust.client import TrustClient
from modelgw.trust.plain_words import load_plain_words


def answer_filter(trust: TrustClient, trail: AuditTrail) -> AnswerFilter:
    """Scan, then restore, the answer of the backend that `trail.route` names."""
    assert trail.protected is not None and trail.route is not None
    scanner = trust.response_scanner(
        trail.caller.tenant,
        trail.request.request_id,
        trail.protected.vault,
        trail.protected.outbound_texts,
        trail.route.locality,
    )
    response = trail.caller.tenant.trust.response
    words = (
        load_plain_words()
        if response.release is AnswerRelease.WORDS
        and response.toxicity_action is EntityAction.ALLOW
        else None
    )
    response_format = trail.request.params.response_format
    json_answer = response_format is not None and response_format.json
    return AnswerFilter(
        scanner, trail.protected.vault, words, escape_in_string if json_answer else None
    )
