"""IBANs, spaced or not, any case, checked with the ISO 13616 mod-97 checksum.

Presidio's recognizer misses lower-case and oddly grouped IBANs; a greedy
regex also swallows the next short word, so candidates are shortened group
by group until the checksum holds.
"""

from __future__ import annotations

import re

from modelgw.trust.recognizers.base import RegexRecognizer

_CANDIDATE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ \-.]?[A-Za-z0-9]{1,4}){3,8}\b")


def iban_checksum_ok(compact: str) -> bool:
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


class CheckedIbanRecognizer(RegexRecognizer):
    entity = "IBAN_CODE"
    patterns = (_CANDIDATE,)
    score = 0.95

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        candidate = text[start:end]
        # Try the whole candidate, then drop trailing groups one by one.
        cut_points = [end, *[start + m.start() for m in re.finditer(r"[ \-.]", candidate)][::-1]]
        for cut in cut_points:
            compact = re.sub(r"[ \-.]", "", text[start:cut]).upper()
            if iban_checksum_ok(compact):
                return start, cut
        return None
