"""Payment card numbers of every major scheme: the issuer's number ranges, the length, Luhn.

Presidio's recognizer knows Visa, Mastercard 51-55, Amex, Discover, Diners
and JCB at their usual lengths; it misses 19-digit Visa, Mastercard's 2-series
(2221-2720), Maestro (12-19 digits), UnionPay and Mir. Here a run of 12-19
digits, grouped the way cards are printed (by four; Amex 4-6-5; or not at
all), counts when its first digits fall in a scheme's range, its length is
one that scheme issues and the Luhn check digit holds. A run with more
digits around it (an order line, an IBAN) is tried without its outer groups.
"""

from __future__ import annotations

import ipaddress
import re

from modelgw.trust.issuers import issued, printed_like_a_card
from modelgw.trust.recognizers.base import DIGIT_GROUP_SEPARATOR, RegexRecognizer

_SEPARATOR = DIGIT_GROUP_SEPARATOR
_CANDIDATE = re.compile(rf"(?<![\w+\-.])\d{{1,7}}(?:{_SEPARATOR}?\d{{1,7}}){{1,18}}(?![\w\-]|\.\d)")


def _by_fours(groups: list[str]) -> bool:
    return len(groups) >= 4 and all(len(g) == 4 for g in groups[:-1]) and len(groups[-1]) <= 4


class PaymentCardRecognizer(RegexRecognizer):
    entity = "CREDIT_CARD"
    patterns = (_CANDIDATE,)
    score = 1.0

    def find(self, text: str) -> list[tuple[int, int]]:
        """Each run, and after a card in it, the rest of the run: cards side by side
        (`4111 1111 1111 1111 5555 5555 5555 4444`) read as one run are each found."""
        spans: list[tuple[int, int]] = []
        for match in _CANDIDATE.finditer(text):
            start, end = match.span()
            while start < end and (card := self.refine(text, start, end)) is not None:
                spans.append(card)
                rest = text[card[1] : end]
                start = card[1] + len(rest) - len(rest.lstrip(" -."))
        return spans

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        value = text[start:end]
        if _is_ip(value):
            return None
        pieces = re.split(f"({_SEPARATOR})", value)  # groups at even indexes, separators between
        groups, seps = pieces[::2], pieces[1::2]
        offsets = [0]
        for group, sep in zip(groups, seps, strict=False):
            offsets.append(offsets[-1] + len(group) + len(sep))
        # The whole run, then without outer groups (an amount before, a date after); one
        # separator throughout, as a card is printed, or mixed ones between groups of four
        # (`4111-1111.1111 1111`: a disguise, the groups still a card's).
        for first in range(len(groups)):
            for last in range(len(groups), first, -1):
                part = groups[first:last]
                if len(set(seps[first : last - 1])) > 1 and not _by_fours(part):
                    continue
                if _torn_from_longer(groups, seps, first, last):
                    continue
                if printed_like_a_card(part) and issued("".join(part)):
                    return start + offsets[first], start + offsets[last - 1] + len(groups[last - 1])
        return None


def _torn_from_longer(groups: list[str], seps: list[str], first: int, last: int) -> bool:
    """Whether `groups[first:last]` is the head of one longer number printed by fours.

    `4908 6682 2950 2173 678` (a 19-digit voucher) and `6110 1080 0435 3204` (a reference)
    are one number each; their first sixteen or twelve digits pass a scheme's check one
    time in ten by chance, and are not a card for it. A card is cut from a run only where
    what is left is no part of its printing: an amount before it, a date or another card
    after it (`4111-1111-1111-1111 12/26`: another separator, another value).
    """
    if first != 0 or last == len(groups) or not _by_fours(groups) or len(set(seps)) != 1:
        return False
    rest = groups[last:]
    return (len(rest) == 1 and len(rest[0]) < 4) or (last == 3 and len(rest[0]) == 4)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
