"""MAC addresses: `aa:bb:cc:dd:ee:ff`, `aa-bb-...` and Cisco's `aabb.ccdd.eeff`."""

from __future__ import annotations

import re

from modelgw.trust.recognizers.base import RegexRecognizer

_COLON_OR_DASH = re.compile(
    r"(?<![\w:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])"
)
_CISCO = re.compile(r"(?<![\w.])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.])")


class MacAddressFormatsRecognizer(RegexRecognizer):
    entity = "MAC_ADDRESS"
    patterns = (_COLON_OR_DASH, _CISCO)
    score = 0.85
    quick_check = re.compile(r"[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.")

    def validate(self, value: str) -> bool:
        # All-digit Cisco-style runs are far more often version numbers than MACs.
        return not re.fullmatch(r"[\d.]+", value)
