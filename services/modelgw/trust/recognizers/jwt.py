"""JSON Web Tokens: three base64url parts whose first decodes to a JSON header."""

from __future__ import annotations

import base64
import json
import re

from modelgw.trust.recognizers.base import RegexRecognizer

_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*(?![\w-])")


class JwtRecognizer(RegexRecognizer):
    entity = "JWT"
    patterns = (_JWT,)
    score = 0.95
    quick_check = re.compile(r"eyJ")

    def validate(self, value: str) -> bool:
        header = value.split(".", 1)[0]
        try:
            decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
            return isinstance(json.loads(decoded), dict)
        except (ValueError, UnicodeDecodeError):
            return False
