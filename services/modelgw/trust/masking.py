"""Apply a tenant's entity policy to detected spans: mask, redact, block or allow."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from modelgw.common.config.tenants import EntityAction
from modelgw.trust.detection import Detection
from modelgw.trust.vault import Vault


def redaction_marker(entity_type: str) -> str:
    """What replaces a redacted value: says what was there, cannot be restored."""
    return f"[REDACTED {entity_type}]"


@dataclass(slots=True)
class MaskingTally:
    """Counts per (entity type, action) over all messages of a request."""

    counts: Counter[tuple[str, EntityAction]] = field(default_factory=Counter)

    def add(self, entity_type: str, action: EntityAction) -> None:
        self.counts[(entity_type, action)] += 1


def apply_policy(
    text: str,
    detections: list[Detection],
    action_for: Callable[[str], EntityAction],
    vault: Vault,
    tally: MaskingTally,
) -> str:
    """Return `text` with each detection masked, redacted or kept, and count what was done.

    Detections must not overlap (see `resolve_overlaps`).
    """
    pieces: list[str] = []
    cursor = 0
    for detection in detections:
        action = action_for(detection.entity_type)
        tally.add(detection.entity_type, action)
        value = text[detection.start : detection.end]
        if action is EntityAction.MASK:
            replacement = vault.placeholder_for(detection.entity_type, value)
        elif action is EntityAction.REDACT:
            replacement = redaction_marker(detection.entity_type)
        else:  # ALLOW keeps the value; BLOCK refuses the whole request later
            replacement = value
        pieces.append(text[cursor : detection.start])
        pieces.append(replacement)
        cursor = detection.end
    pieces.append(text[cursor:])
    return "".join(pieces)
