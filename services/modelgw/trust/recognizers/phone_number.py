"""Phone numbers, national or international, checked with libphonenumber.

Presidio's phone recognizer runs libphonenumber's matcher over the whole
text once per region (most of its time on a 1 KB message) and knows few
regions. Here a cheap regex finds digit runs shaped like a phone number and
only those are parsed: international form (`+44 20 7946 0958`,
`0049 30 901820`) for any country, national form for the regions listed.
"""

from __future__ import annotations

import re

import phonenumbers

from modelgw.trust.recognizers.base import RegexRecognizer

_CANDIDATE = re.compile(r"(?<![\w+\-.])(?:\+|00)?\(?\d[\d \t().\-/]{5,20}\d(?![\w\-])")
_SSN_SHAPE = re.compile(r"\d{3}[- .]\d{2}[- .]\d{4}")
NATIONAL_REGIONS = ("US", "GB", "CA", "DE", "FR", "IN", "AU", "IE", "NL", "ES", "IT", "BR")


class PhoneNumberRecognizer(RegexRecognizer):
    entity = "PHONE_NUMBER"
    patterns = (_CANDIDATE,)
    score = 0.7

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        value = text[start:end]
        digits = sum(c.isdigit() for c in value)
        if not 7 <= digits <= 15 or _SSN_SHAPE.fullmatch(value):
            return None
        if value.startswith(("+", "00")):
            number = "+" + value[2:] if value.startswith("00") else value
            return (start, end) if _valid(number, None) else None
        if digits < 9 or ("." in value and value.count(".") == 3):
            return None  # short runs and dotted quads are not phone numbers
        if any(_valid(value, region) for region in NATIONAL_REGIONS):
            return start, end
        return None


def _valid(number: str, region: str | None) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False
