"""PEM private key blocks (RSA, EC, OpenSSH, PKCS#8, encrypted), header to footer."""

from __future__ import annotations

import re

from modelgw.trust.recognizers.base import RegexRecognizer

_BLOCK = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
    r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"
)


class PrivateKeyRecognizer(RegexRecognizer):
    """An unterminated block (a paste cut short) is masked to the end of the text."""

    entity = "PRIVATE_KEY"
    patterns = (_BLOCK,)
    score = 1.0
    quick_check = re.compile(r"PRIVATE KEY")
