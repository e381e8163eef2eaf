"""IPv4 and IPv6 addresses (compressed forms, zone ids, embedded IPv4), validated."""

from __future__ import annotations

import ipaddress
import re

from modelgw.trust.recognizers.base import RegexRecognizer

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:%[\w.]+)?(?![\w:])"
)


class IpAddressRecognizer(RegexRecognizer):
    entity = "IP_ADDRESS"
    patterns = (_IPV4, _IPV6)
    score = 0.9
    quick_check = re.compile(r"\d\.\d|:")

    def validate(self, value: str) -> bool:
        address = value.split("%", 1)[0]
        if address in {"::", "::1"}:
            return False
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return False
        return True
