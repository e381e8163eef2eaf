"""Tokens after `Bearer` / `Authorization:` / `token` in headers, curl lines and logs."""

from __future__ import annotations

import re

from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.recognizers.base import RegexRecognizer

_BEARER = re.compile(
    r"(?i)\b(?:bearer|authorization:\s*(?:token|basic)?|x-api-key:|api-key:)\s+"
    r"(?P<value>[A-Za-z0-9\-._~+/]{12,}=*)"
)


class BearerTokenRecognizer(RegexRecognizer):
    entity = "ACCESS_TOKEN"
    patterns = (_BEARER,)
    score = 0.9
    quick_check = CaselessPattern(r"bearer|authorization|api-key")

    def validate(self, value: str) -> bool:
        # A real token mixes letters and digits; "Bearer authentication" is prose.
        return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
