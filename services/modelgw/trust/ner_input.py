"""What the NER model reads: text written as in mixed case, whatever case it came in.

The small English model has learnt names from their capitals. So the copy it reads is
written as a writer in mixed case would have it, at the same length (offsets hold): ALL
CAPS words title-cased unless they are ordinary English words, stop words or acronyms,
and in lower-case lines the unusual words capitalised. `ner` decides which pieces of a
text the model reads; this module, how each piece is written for it, and which of the
model's findings in lower-case lines are guesses from the capitals it was given.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from modelgw.trust.plain_words import Strength, load_plain_words, unusual_word
from modelgw.trust.stop_words import english_stop_words

# Acronyms that are not names; title-cased they look like one ("Ssn") to the model.
ACRONYMS = frozenset(
    [
        "SSN",
        "IBAN",
        "NHS",
        "ATM",
        "CEO",
        "CFO",
        "CTO",
        "VAT",
        "PIN",
        "API",
        "URL",
        "HTTP",
        "HTTPS",
        "SQL",
        "AWS",
        "GCP",
        "JSON",
        "XML",
        "CSV",
        "PDF",
        "USA",
        "FAQ",
        "ETA",
        "ASAP",
        "FYI",
        "RSVP",
        "BIC",
        "SWIFT",
        "DOB",
        "KYC",
        "AML",
        "GDPR",
        "HIPAA",
        "IRS",
        "EIN",
        "ITIN",
        "SSO",
        "MFA",
        "VPN",
        "DNS",
        "TLS",
        "SSH",
        "URGENT",
        "NOTE",
        "IMPORTANT",
        "RE",
        "FWD",
        "INVOICE",
        "ORDER",
        "THE",
        "AND",
        "FOR",
        "FROM",
        "CALLED",
        "ABOUT",
        "WITH",
    ]
)


_CAPS_WORD = re.compile(r"(?<![\w'\u2019\-])[^\W\d_a-z]{2,}(?:['\u2019\-][^\W\d_]+)*(?![\w])")


def _title_case_all_caps(text: str) -> str:
    """ALL CAPS words as a writer in mixed case would have them: ordinary English words (also
    those that are names as often, `BOB`, `ASK`) and stop words lower case (`PER`, `REQUEST`),
    acronyms kept, the others title-cased (`GÜLÇÖHRƏ`, `KHALSA'S`): the model reads a
    sentence it has seen the like of, not one of capitalised words. A case mapping that would
    change the length (offsets must hold) is not made."""
    words = load_plain_words()
    stop = english_stop_words()

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word.isupper():
            return word
        lower = word.lower()
        head = lower.split("'", 1)[0].split("\u2019", 1)[0]
        if head in stop or words.strength(head) is not Strength.NONE:
            cased = lower
        elif word in ACRONYMS:
            return word
        else:
            cased = word[0] + lower[1:]
        return cased if len(cased) == len(word) else word

    return _CAPS_WORD.sub(fix, text)


LOWER_WORD = re.compile(r"(?<![\w'\u2019\-@.])[^\W\d_A-Z]{3,}(?![\w'\u2019\-@]|\.\w)")
"""A word of a lower-case line that may be written capitalised for the model: letters only,
not a piece of an address, a domain or a hyphenated word."""


def lower_case_lines(text: str) -> list[tuple[int, int]]:
    """The lines of `text` with letters and none of them capital: typed in lower case, so
    names in them are too, and the model (which learnt names from their capitals) misses
    them unless they are written capitalised in what it reads."""
    if not any(c.islower() for c in text):
        return []
    out: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        if line.islower():
            out.append((at, at + len(line)))
        at += len(line) + 1
    return out


def unusual(word: str) -> bool:
    """A word that may be a name: no stop word nor ordinary English word, longer than an
    acronym (`ssn`, `nps`), and capitalised at the same length."""
    return len(word) > 3 and unusual_word(word) and len(word[0].upper()) == 1


def unlikely_in_lower_case(entity_type: str, text: str, start: int, end: int) -> bool:
    """Whether the model's span `start`-`end` of `text`, in a lower-case line, is more likely
    a guess from the capitals it was given than a name or a place: a PERSON of one word (a
    lone unusual word there is as often a product or a tool, `northwind`, `callback`, and the
    name lists judge those; keeping them: 0.3 points fewer dev texts with a leak, 0.5 points
    less precision), or a span with a digit or with no word that was capitalised for the
    model (`nps`, `street`, `o.o.`, `port 4193 ssh2`: the model ran on from a neighbour)."""
    value = text[start:end]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if not text[line_start : len(text) if line_end < 0 else line_end].islower():
        return False
    if entity_type == "PERSON" and " " not in value.strip():
        return True
    if any(c.isdigit() for c in value):
        return True
    return not any(unusual(m.group(0)) for m in LOWER_WORD.finditer(value))


def in_lines(lines: list[tuple[int, int]], starts: list[int], at: int) -> bool:
    """Whether offset `at` is in one of `lines` (sorted; `starts` their starts)."""
    index = bisect_right(starts, at) - 1
    return index >= 0 and at < lines[index][1]


def model_inputs(text: str, pieces: list[tuple[int, int]]) -> list[str]:
    """What the model reads for each piece `start`-`end` of `text`: ALL CAPS words and the
    unusual words of lower-case lines written as in mixed case (same length). The lower-case
    lines are found once for all the pieces."""
    lower = lower_case_lines(text)
    return [_model_input(text, start, end, lower) for start, end in pieces]


def model_input(text: str, start: int = 0, end: int | None = None) -> str:
    """`model_inputs` for one piece (the whole text by default)."""
    return model_inputs(text, [(start, len(text) if end is None else end)])[0]


def _model_input(text: str, start: int, end: int, lower_lines: list[tuple[int, int]]) -> str:
    piece = _title_case_all_caps(text[start:end])
    lower = [(a, b) for a, b in lower_lines if a < end and start < b]
    if not lower:
        return piece
    chars = list(piece)
    for a, b in lower:
        for m in LOWER_WORD.finditer(text, max(a, start), min(b, end)):
            if unusual(m.group(0)):
                chars[m.start() - start] = m.group(0)[0].upper()
    return "".join(chars)
