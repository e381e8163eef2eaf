"""IBANs, spaced or not, any case, checked with the ISO 13616 mod-97 checksum.

Presidio's recognizer misses lower-case and oddly grouped IBANs; a greedy
regex also swallows the next short word, so candidates are shortened group
by group until the checksum holds. An IBAN typed with letters for digits
(`IT57 Q2O8 ...`, `DE8l ...`: O for 0, I or l for 1) is read both ways: the
checksum and the length its country's registry entry fixes decide which
reading is the value, since an IBAN's own letters may be O or I too.
"""

from __future__ import annotations

import itertools
import re

from modelgw.trust.issuers import LENGTHS, mod97_ok
from modelgw.trust.recognizers.base import DIGIT_GROUP_SEPARATOR, RegexRecognizer

_PRINTED = re.compile(r"\b[A-Za-z]{2}[\dOoIil]{2}(?:[ \-.]?[A-Za-z0-9]{1,4}){3,8}\b")
"""An IBAN as banks print it: by fours (or in other groups of up to four), or in one run."""
_PRINTED_HEAD = re.compile(r"\b[A-Za-z]{2}[\dOoIil]{2}")
_PRINTED_TAIL = re.compile(r"[ \-.]?[A-Za-z0-9]+(?:[ \-.][A-Za-z0-9]+)*")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")


def printed(text: str, start: int, end: int) -> bool:
    """`_PRINTED.fullmatch(text, start, end) is not None`, without its backtracking.

    `_PRINTED`'s groups of one to four may split each run between two separators many ways,
    and `re` tries them all before it fails (~5 us a candidate, most of an IBAN's work on
    prose). A run of n characters is some k groups for every k from ceil(n/4) to n, so the
    groups can number 3 to 8 exactly when the runs' ceil(n/4) add up to at most 8 and
    their lengths to at least 3.
    """
    if _PRINTED_HEAD.match(text, start, end) is None:
        return False
    if _PRINTED_TAIL.fullmatch(text, start + 4, end) is None:
        return False
    runs = [len(run) for run in _ALNUM_RUN.findall(text, start + 4, end)]
    return sum(runs) >= 3 and sum(-(-n // 4) for n in runs) <= 8


_SEPARATOR = rf"(?:{DIGIT_GROUP_SEPARATOR}|[ \t]?/[ \t]?)"
"""A card's or an IBAN's group separators, and a slash (`CH87/2825 191A - M414/...`)."""
_CANDIDATE = re.compile(
    rf"\b[A-Za-z]{{2}}{_SEPARATOR}?[\dOoIil]{_SEPARATOR}?[\dOoIil]"
    rf"(?:{_SEPARATOR}?[A-Za-z0-9]){{10,30}}\b"
)
"""Any grouping (`IT  54  Q2138  1508 ...`, `LB - 24 - 008 - ...`); an IBAN not printed as
banks print it must have its country's registry length as well as its checksum."""
_GROUP_SEPARATOR = re.compile(r"[ \-./]")
"""What a candidate's groups are cut at, and what its compact form leaves out."""
_LOOK_ALIKES = {"O": "0", "o": "0", "I": "1", "i": "1", "l": "1"}
_MAX_LOOK_ALIKES = 6
"""Beyond this many ambiguous letters, trying every reading would let one pass mod 97 by
chance; only the reading with all of them digits is tried."""


def iban_checksum_ok(compact: str) -> bool:
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    return mod97_ok(compact)


def read_with_look_alikes(compact: str) -> bool:
    """Whether some reading of its O, I and l as digits makes `compact` its country's IBAN."""
    if LENGTHS.get(compact[:2].upper()) != len(compact):
        return False
    ambiguous = [i for i, c in enumerate(compact) if i >= 2 and c in _LOOK_ALIKES]
    if not ambiguous:
        return False
    choices: list[tuple[bool, ...]] | itertools.product[tuple[bool, ...]] = (
        itertools.product((False, True), repeat=len(ambiguous))
        if len(ambiguous) <= _MAX_LOOK_ALIKES
        else [(True,) * len(ambiguous)]  # only the reading with every one a digit
    )
    for choice in choices:
        chars = list(compact)
        for i, as_digit in zip(ambiguous, choice, strict=True):
            if as_digit:
                chars[i] = _LOOK_ALIKES[chars[i]]
        if any(choice) and iban_checksum_ok("".join(chars).upper()):
            return True
    return False


class CheckedIbanRecognizer(RegexRecognizer):
    entity = "IBAN_CODE"
    patterns = (_CANDIDATE,)
    score = 0.95

    def find(self, text: str) -> list[tuple[int, int]]:
        """Candidates one after another from where the last IBAN ended: a greedy candidate
        (`DE89 ... 00 or DE89`) must not swallow the start of the next IBAN."""
        spans: list[tuple[int, int]] = []
        pos = 0
        while (match := _CANDIDATE.search(text, pos)) is not None:
            refined = self.refine(text, match.start(), match.end())
            if refined is not None:
                spans.append(refined)
            pos = refined[1] if refined is not None else match.start() + 1
        return spans

    def refine(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        candidate = text[start:end]
        # Try the whole candidate, then drop trailing groups one by one. A shorter candidate's
        # compact form is a prefix of the whole one's: `at - j` characters before the j-th
        # separator (at `at`) are no separators.
        compact_all = _GROUP_SEPARATOR.sub("", candidate)
        separators = [m.start() for m in _GROUP_SEPARATOR.finditer(candidate)]
        cuts = [(end, len(compact_all))]
        cuts += [(start + at, at - j) for j, at in reversed(list(enumerate(separators)))]
        for cut, length in cuts:
            compact = compact_all[:length]
            if LENGTHS.get(compact[:2].upper()) != len(compact) and not printed(text, start, cut):
                continue  # regrouped: a registry country at its registry length only
            if iban_checksum_ok(compact.upper()) or read_with_look_alikes(compact):
                return start, cut
        return None
