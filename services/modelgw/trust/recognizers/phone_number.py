"""Phone numbers as people write them, in any country, with extensions.

libphonenumber's validity check is too strict for what reaches a gateway:
a number in a CRM export or a signature is often unassigned, mistyped or in
a plan libphonenumber does not know, and it is still a person's number. So a
digit run shaped like a phone number counts by its shape: international
(`+44 20 7946 0958`, `0049 30 901820`, `(+358) 070499962`), North American
(`(212) 555-0143`, `212.555.0143`), a national number with its trunk `0`
(`030 901820`, `01 55 66 90 74`), or any of those with an extension
(`x1234`, `ext. 12`, `extension 7`). A shorter grouped run (`575 868 344`,
`5178 1286`) counts after a word that says a phone number follows, or when
libphonenumber knows it in one of `NATIONAL_REGIONS`. Dates, times, SSNs,
IP addresses, versions and amounts are not phone numbers.
"""

from __future__ import annotations

import re

import phonenumbers

from modelgw.trust.recognizers.base import RegexRecognizer
from modelgw.trust.whole_values import after_reference_word

# A comma before a number is a field's edge (`name,+49 30 125777,town`), not a digit group's.
_CANDIDATE = re.compile(
    r"(?<![\w+\-./])(?<!\d,)"
    r"(?P<number>(?:(?:\(\+\d{1,4}\)|\+|00)[ \t]?)?\(?\d[\d \t().\-/]{2,22}\d)"
    r"(?P<ext>[ \t]*[,;]?[ \t]*(?i:x|ext|extn|extension|\#)(?:[ \t]*[.:=])?"
    r"[ \t]*\d{1,6})?"
    r"(?![\w\-]|[.,]\d)"
)
_LISTED = re.compile(r"[ \t]+/[ \t]*|[ \t]*/[ \t]+")
"""A slash with space around it lists another number; a bare one is part of one (`030/901820`).
After a phone number it says the next is one too, as a phone word would."""
_NANP = re.compile(r"(?:\+?1[ \-.]?)?(?:\(\d{3}\)[ \-.]?|\d{3}[ \-.])\d{3}[ \-.]\d{4}")
_NO_NANP_AREA = re.compile(r"(?:\+|00)1[ \-.]?\(?[01]")
"""`+1 047-...`, `+1 (162) ...`: no North American area code starts with 0 or 1, so no number
dialled this way exists (a placeholder or a reference)."""
_SSN_SHAPE = re.compile(r"\d{3}[- .]\d{2}[- .]\d{4}")
_DATE = re.compile(
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})|\d{1,2}:\d{2}"
)
_CUE = re.compile(
    r"(?i)(?:phone|tel|telephone|call|calling|called|callback|mobile|cell|fax|ring|dial|reach"
    r"|contact"
    r"|whatsapp|sms|text|hotline|landline|\b[tmpfhw]|ph|mob)\.?"
    r"(?:\s+(?:me|us|him|her|them|back|at|on|is|was|from))*\s*[:#.]?\s*(?:\+|\()?$"
)
_PHONE_WORD = re.compile(
    r"(?i)(?:\b(?:phone|tel|telephone|call|mobile|cell|fax|dial|whatsapp|sms|hotline|landline"
    r"|mob|ph)\b|\b(?:office|direct|phone|home|work|main|support|help|private)[ \t]+line\b"
    r"|\b(?:reach|contact|call|ring|text)[ \t]+(?:me|us|him|her|them)\b|\bmy[ \t]+number\b)"
    r"(?:[ \t]+(?:number|no\.?|nr\.?|is|was|at|on|me|us|back))*[ \t]*[:#.]?[ \t]*\(?\+?$"
)
"""A word that says a phone number follows, strictly (not `reach`, `contact` or `text` alone:
`reach 25000 users`; `my number is`, as people say it of their phone): with it a short
national number (`21 234`, `7012` with an extension), as small numbering plans (Niue, the
Falklands, Tuvalu) issue, is one."""
_NOT_A_PHONE_CUE = re.compile(
    r"(?i)\b(?:sku|order|invoice|inv|case|ticket|ref|reference|id|nr|item|part|model|serial"
    r"|account|acct|batch|lot|po|tracking|version|v|build|firmware|release|rev)\.?\s*[:#]?\s*$"
    r"|(?i:\bno(?:\.|\s*[:#]))\s*$"
)
"""Words after which a digit run is a reference, not a phone number. `No.` and `no:` abbreviate
`number`; a bare `no` is a word of its own (`ligar no (11) ...` is Portuguese for `call at`)."""
_TRUNK_DOTTED = re.compile(r"0\d{2,5}\.\d{5,8}")
"""`Phone: 07441.448261`: a trunk prefix and a dot, shaped like a decimal; a phone's after a
phone word."""
NATIONAL_REGIONS = (
    "US", "GB", "CA", "DE", "FR", "IN", "AU", "IE", "NL", "ES", "IT", "BR", "PT", "PL",
    "SE", "DK", "NO", "FI", "IS", "AT", "CH", "BE", "CZ", "HU", "TR", "GR", "MX", "NZ",
)  # fmt: skip


class PhoneNumberRecognizer(RegexRecognizer):
    entity = "PHONE_NUMBER"
    patterns = (_CANDIDATE,)
    score = 0.7

    def find(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        pos = 0
        while (match := _CANDIDATE.search(text, pos)) is not None:
            pos = match.end()
            number = match.group("number").rstrip(" \t(")
            has_ext = bool(match.group("ext"))
            listed = _LISTED.search(number)
            if listed is not None:
                # `Tel. 0048 512 396 335 / 512 157 528`: two numbers, each judged on its own.
                number, has_ext = number[: listed.start()], False
                pos = match.start("number") + listed.end()
            end = match.start("number") + len(number)
            after_phone = bool(spans) and bool(
                _LISTED.fullmatch(text[spans[-1][1] : match.start()])
            )
            if _is_phone(text, match.start(), number, has_ext=has_ext, cued=after_phone):
                spans.append((match.start(), match.end() if has_ext else end))
        return spans


def _is_phone(text: str, start: int, number: str, *, has_ext: bool, cued: bool = False) -> bool:
    digits = sum(c.isdigit() for c in number)
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 40) : start]
    if digits < 7:
        return _short_national(text, start, before, digits, has_ext=has_ext)
    phone_word = bool(_PHONE_WORD.search(before))
    if digits > 15 or (
        _not_a_phone(number) and not (phone_word and (has_ext or _TRUNK_DOTTED.fullmatch(number)))
    ):
        return False  # an extension after a phone word: `Phone: 372 12 3456 x 82`
    international = number.startswith(("+", "00", "(+"))
    if _NO_NANP_AREA.match(number):
        return False
    if international or _NANP.fullmatch(number):
        return digits >= 8 or international
    trunk = number.lstrip("(").startswith("0")
    grouped = bool(re.search(r"[ \-./()]", number))
    if after_reference_word(text, start) and not cued:
        return False  # `order 0375902907`, `tracking 0650 9170 9549 39`: the trunk 0 by chance
    if trunk and digits >= 9:
        return True
    if _NOT_A_PHONE_CUE.search(before):
        return False
    if phone_word:
        return True  # `office line is 712 3456`, `reach me at 72001234`: what else follows
    if cued or _CUE.search(before) or has_ext:
        return grouped or digits >= 9 or trunk
    if grouped and digits <= 12 and _alone_in_a_block(text, start, number):
        return True  # a signature's or an address block's line: `Leeds` / `2123 4567`
    return grouped and digits >= 9 and any(_valid(number, r) for r in NATIONAL_REGIONS)


def _alone_in_a_block(text: str, start: int, number: str) -> bool:
    """A grouped number that is a whole line under another line of text (`Flat 2, 5 High
    Street, Leeds` / `2123 4567`): how signatures and address blocks give a phone number with
    no word for it. A line of its own at the text's start, or after an empty line, is not."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if line.strip() != number.strip() or line_start == 0:
        return False
    above = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1]
    return bool(above.strip())


def _short_national(text: str, start: int, before: str, digits: int, *, has_ext: bool) -> bool:
    """Five or six digits (four with an extension) right after a phone word."""
    if digits < (4 if has_ext else 5) or not _PHONE_WORD.search(before):
        return False
    return not _NOT_A_PHONE_CUE.search(before) and not after_reference_word(text, start)


def _not_a_phone(number: str) -> bool:
    compact = number.strip()
    return bool(
        _SSN_SHAPE.fullmatch(compact)
        or _DATE.fullmatch(compact)
        or re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", compact)  # IPv4
        or re.fullmatch(r"\d+\.\d+|\d{1,2}(?:\.\d{1,3}){2}", compact)  # decimals, versions
        or re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{2})?", compact)  # 1,234,567.00
    )


def _valid(number: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False
