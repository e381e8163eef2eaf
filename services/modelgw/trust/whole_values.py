"""Second thoughts on Presidio's pattern recognizers for numbers we do not check ourselves.

Presidio's medical licence (DEA), NHS, bank account, passport, driver's licence
and ITIN patterns match a run of letters and digits of the right shape, with
at best a checksum that one run in ten or eleven passes by chance. Two
principled limits keep them from firing on the references that fill business
text: an identifier is a whole token (`RR3563118` inside the parcel number
`RR356311804PL`, or `577-0477695` inside the order number
`577-0477695-0691080`, is a piece of something else), and a number right
after a word that names it a reference (`order`, `invoice`, `tracking`,
`ref`) is that reference.
"""

from __future__ import annotations

import re

CHECKED_BY_SHAPE = frozenset(
    {
        "MEDICAL_LICENSE",
        "UK_NHS",
        "US_BANK_NUMBER",
        "US_PASSPORT",
        "US_DRIVER_LICENSE",
        "US_ITIN",
    }
)
"""Types only Presidio's shape patterns find; ours (cards, IBANs, phones, ...) check their own."""

REFERENCE_CUE = re.compile(
    r"(?i)\b(?:order|invoice|inv|ref|reference|tracking|sku|ticket|case|batch|lot|voucher"
    r"|item|part|model|serial|po|isbn|booking|confirmation|shipment|parcel|receipt)"
    r"(?:[ \t]+(?:no|nr|number|id|code))?\.?[ \t]*[:#]?[ \t]*$"
)
"""A word naming the number after it a reference (`order 5878521520`, `Ref: 0664077056`)."""


def whole_token(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` stands alone: no letter or digit, nor a dash or dot joining
    another digit run, right before or after it."""
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    if (before[-1:].isalnum()) or (after[:1].isalnum()):
        return False
    joined_before = len(before) == 2 and before[1] in "-./" and before[0].isalnum()
    joined_after = len(after) == 2 and after[0] in "-./" and after[1].isalnum()
    return not (joined_before or joined_after)


def after_reference_word(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return REFERENCE_CUE.search(text, max(line_start, start - 30), start) is not None


def plausible(entity_type: str, text: str, start: int, end: int) -> bool:
    """Whether a detection of `entity_type` may stand; only shape-only types are judged."""
    if entity_type not in CHECKED_BY_SHAPE:
        return True
    return whole_token(text, start, end) and not after_reference_word(text, start)
