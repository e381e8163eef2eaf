"""What ended a request, as its audit record says it: the status and message an exception gives.

Shared by the chat pipeline and the embeddings path, so that a request is
recorded alike whichever it was: the same exception reads as the same status.
"""

from __future__ import annotations

import asyncio
import logging
import time

from modelgw.common.errors import ModelgwError
from modelgw.gateway.trail import AuditTrail

log = logging.getLogger(__name__)

GONE = "client went away before the answer finished"
LATE = "the caller's deadline passed before the answer finished"
SHUTDOWN = "the gateway shut down before the answer finished"
DEADLINE_SLACK_S = 0.1
"""A cancellation this close to the caller's deadline is the deadline's. The caller's own
timer starts before ours (we count from when the call arrived) and its cancel can reach us
a few milliseconds before our copy of the deadline has passed."""


def ending(trail: AuditTrail, exc: BaseException, *, cut_off: bool) -> tuple[str, str]:
    """The status and message `exc` gives the request's record.

    `cut_off`: the shutdown's grace period is over (`InFlight.cut_off`), so a
    cancellation now is the gateway's, not the caller's.
    """
    if isinstance(exc, ModelgwError):
        return trail.failed(exc)
    if isinstance(exc, asyncio.CancelledError | GeneratorExit):
        if cut_off:
            return "CANCELLED", SHUTDOWN
        deadline = trail.request.deadline
        if deadline is not None and time.monotonic() >= deadline - DEADLINE_SLACK_S:
            return "DEADLINE_EXCEEDED", LATE
        return "CANCELLED", GONE
    if isinstance(exc, Exception):
        log.error(
            "request %s failed on an unexpected error", trail.request.request_id, exc_info=exc
        )
        return "INTERNAL", f"internal error ({type(exc).__name__})"
    return "CANCELLED", SHUTDOWN  # KeyboardInterrupt, SystemExit: the process is ending
