"""Secrets written as `key=value` / `key: value` or "my password is ...".

The key says what the value is; only the value is masked, so a model still
sees the shape of a config file or connection string.
"""

from __future__ import annotations

import re

from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.recognizers.base import RegexRecognizer

_KEY_VALUE = re.compile(
    r"(?i)(?<![\w-])[\w-]*?(?:password|passwd|pwd|passphrase|pass|secret|client[_-]?secret"
    r"|aws_secret_access_key|secret[_-]?key|private[_-]?key|api[_-]?key|apikey|access[_-]?token"
    r"|auth[_-]?token|token)[\"']?\s*[:=]\s*[\"']?(?P<value>[^\s\"',;&]{4,})"
)
_PROSE = re.compile(
    r"(?i)\b(?:password|passcode|passphrase|pin)\s+(?:is|was|=|:)\s*[\"']?(?P<value>[^\s\"',;]{4,})"
)
_URL_CREDENTIALS = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:(?P<value>[^\s@/]{3,})@")


class PasswordRecognizer(RegexRecognizer):
    entity = "PASSWORD"
    patterns = (_KEY_VALUE, _PROSE, _URL_CREDENTIALS)
    score = 0.85
    quick_check = CaselessPattern(r"pass|pwd|secret|key|token|pin|://")

    def validate(self, value: str) -> bool:
        lowered = value.lower()
        # Placeholders and prose are not secrets.
        return not (
            lowered in {"none", "null", "true", "false", "required", "optional", "hidden"}
            or lowered.startswith(("<", "${", "{{", "*", "xxx", "env:", "file:"))
        )
