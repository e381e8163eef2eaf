"""US social security numbers after a word that names one, however the nine digits are grouped.

Presidio's recognizer knows `123-45-6789`, `123 45 6789` and nine digits in one
run; a writer may group them otherwise (`7550 - 46 - 947`, `57  793  6758`,
`623.426.937`). Nine digits in any grouping are too common to be an SSN by
their shape, so here they count only right after `SSN`, `social security
(number)` or `soc. sec.`, and only when the SSA could have issued them (area
not 000, 666 or 9xx, group not 00, serial not 0000).
"""

from __future__ import annotations

import re

from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.recognizers.base import RegexRecognizer

_CANDIDATE = re.compile(
    r"(?<![\w+\-.])\d(?:(?: - |  |[ \-.]|[ \t]*\r?\n[ \t]*|[ \-.]\r?\n)?\d){8}(?![\w\-]|\.\d)"
)
"""Nine digits, grouped in any way, a line break among them too (the cue makes it safe)."""
_CUE = re.compile(
    r"(?i)\b(?:ssn|ss[ \t]*#|social[ \t]+security|soc\.?[ \t]*sec\.?)"
    r"(?:[ \t]+(?:number|num|no\.?|nr\.?|#))?(?:[ \t]+(?:is|was|of))?[ \t]*[:#=]?[ \t]*$"
)
_WINDOW = 40


def issuable(digits: str) -> bool:
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return 0 < area < 900 and area != 666 and group != 0 and serial != 0


class CuedSsnRecognizer(RegexRecognizer):
    entity = "US_SSN"
    patterns = (_CANDIDATE,)
    score = 0.85
    quick_check = CaselessPattern(r"ssn|ss[ \t]*#|social[ \t]+security|soc\.?[ \t]*sec")

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        line_start = text.rfind("\n", 0, start) + 1
        if not _CUE.search(text, max(line_start, start - _WINDOW), start):
            return None
        digits = re.sub(r"\D", "", text[start:end])
        return (start, end) if issuable(digits) else None
