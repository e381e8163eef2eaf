# ruff: noqa: SIM905  (word lists read best as words)
"""The shapes of an address that `AddressRecognizer` anchors on and grows over.

Street shapes (number first, type first, name then number, town-state-ZIP, a
bare street before a town), the checks on their words and towns, and how the
blocks found are merged. The recognizer (`address.py`) decides which anchors
count and how far a block grows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from modelgw.trust import address_parts as part
from modelgw.trust.address_words import (
    AMBIGUOUS_PREFIX_TYPES,
    AU_STATES,
    CA_PROVINCES,
    GLUED_SUFFIXES,
    POSTCODE,
    POSTCODE_CUES,
    SHORT_POSTCODE,
    STRONG_PREFIX_TYPES,
    US_STATES,
)
from modelgw.trust.caseless import CaselessPattern

COMMON_SUFFIXES = frozenset(
    """
    street st avenue ave av road rd lane ln drive dr boulevard blvd court ct way place pl
    terrace ter circle cir parkway pkwy highway hwy square sq crescent cres close plaza trail
    trl alley row grove mews walk
    """.split()
)
"""Street types common enough that a number and a name before one make an address alone."""
PARTICLES = frozenset(
    """
    de da do dos das del della di du des la le les el los las l' d' van von der den ter y e i
    of the am an im auf upon on sur sous en
    dei degli delle dello dal dalla dalle al alla ai agli sul sulla zum zur vom beim het aan op
    bij dels na
    """.split()
)
STATES = US_STATES | CA_PROVINCES | AU_STATES
_GLUED_SET = frozenset(GLUED_SUFFIXES)
_TAIL = 3
_GLUED_LENGTHS_BY_TAIL: dict[str, tuple[int, ...]] = {
    tail: tuple(sorted({len(s) for s in GLUED_SUFFIXES if s.endswith(tail)}, reverse=True))
    for tail in {s[-_TAIL:] for s in GLUED_SUFFIXES}
}
_GLUED_WORD = re.compile(rf"{part.LETTER}[\w'\-]+")


def glued_suffix(bare: str) -> str | None:
    """The street ending a one-word street name closes with (`vegur` of `laugavegur`), or
    None. Two letters at least stand before it; the longest ending wins. A set lookup per
    ending length: a regex alternation of some 250 endings costs ~10x more per word. Only
    the lengths of the endings that share the word's last three letters are tried (every
    ending has three at least): most words end as no street does, and every word of a
    text is asked."""
    lengths = _GLUED_LENGTHS_BY_TAIL.get(bare[-_TAIL:])
    if lengths is None or not _GLUED_WORD.fullmatch(bare):
        return None
    for n in lengths:
        if len(bare) >= n + 2 and bare[-n:] in _GLUED_SET:
            return bare[-n:]
    return None


_POSTCODE_CUE = re.compile(
    rf"(?i:\b(?:{POSTCODE_CUES}))[ \t]*(?:[:#]|is|was)?[ \t]*"
    rf"(?P<code>{POSTCODE}|{SHORT_POSTCODE})(?![\w\-])"
)
_POSTCODE_CUE_WORD = CaselessPattern(rf"\b(?:{POSTCODE_CUES})")
"""What every `_POSTCODE_CUE` match begins with, looked for first: the case-insensitive
alternation costs ~0.08 ms a kilobyte to scan, the cue words alone over the text lower-cased
(`caseless`) a third of it, and most texts name no postcode."""
_LINE_OR_COMMA = re.compile(r"(?:^|\n|,)[ \t]*", re.MULTILINE)
_STATE_HINT = re.compile(r"(?<=[\s,])[A-Za-z]{2,3},?[ \t]+(?:\d{4}|[A-Za-z]\d[A-Za-z])")
_ADDRESS_LIKE_LINE = re.compile(
    rf"[ \t]*(?:{part.NAME_WORD}|{part.HOUSE_NUMBER})(?:[ \t,]+\S+){{0,6}}[ \t]*$"
)


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) - PARTICLES


@dataclass(slots=True)
class _Block:
    start: int
    end: int
    strong: bool


_UNIT_THEN_NAME = re.compile(
    rf"(?:^|(?<=[\s,(:]))(?:{part.UNIT.pattern}),?[ \t]*\n?[ \t]*"
    rf"(?P<words>(?:{part.NAME_WORD}{part.GAP}){{1,3}})$"
)
"""`Studio 34\nPowell Greens`: British addresses put the flat first and the street unnumbered."""


def _has_upper(text: str, start: int, end: int) -> bool:
    return any(c.isupper() for c in text[start:end])


def _words_ok(words: list[str], titled: bool) -> bool:
    stop = _stop_words()
    for w in words:
        bare = w.rstrip(".,").lower()
        if bare in PARTICLES:
            continue
        if bare in stop or not bare:
            return False
        if titled and not (w[0].isupper() or w[0].isdigit() or w[0] in "'\u2019"):
            return False
    return True


def _number_first(text: str, suffix: re.Match[str], bare: str) -> _Block | None:
    """`1777 Kramer Court`: a number and a name's words before an English street type."""
    m = part.NAME_WORDS_BEFORE.search(text, max(0, suffix.start() - 80), suffix.start())
    if m is None:
        m = _UNIT_THEN_NAME.search(text, max(0, suffix.start() - 80), suffix.start())
        if m is None or not _words_ok(m.group("words").split(), titled=True):
            return None
        return _Block(m.start(), suffix.end(), True)
    words = m.group("words").split()
    titled = _has_upper(text, m.start(), suffix.end())
    if not _words_ok(words, titled):
        return None
    if titled and not (suffix.group(0)[0].isupper() or bare in COMMON_SUFFIXES):
        return None
    strong = bare in COMMON_SUFFIXES or (titled and len(m.group("num").strip(".")) >= 2)
    end = suffix.end()
    direction = re.match(r"[ \t]+(?:[NSEW]|NE|NW|SE|SW)\.?(?![\w])", text[end : end + 5])
    return _Block(m.start(), end + (direction.end() if direction else 0), strong)


_AFTER_TYPE = re.compile(
    rf"(?P<words>(?:{part.GAP}{part.NAME_WORD}){{1,6}}?)(?P<num>{part.HOUSE_NUMBER_AT.pattern})"
)
_AFTER_TYPE_NO_NUMBER = re.compile(rf"(?P<words>(?:{part.GAP}{part.NAME_WORD}){{1,4}})")


def _type_first(text: str, word: re.Match[str], bare: str) -> _Block | None:
    """`Via Roma 10`, `ul. Długa 5/7`, `5, avenue Samson`, `Rua Augusta, 100`.

    A number before the type (French) means none after it: `rue Zoé Jacob, 36452` is a street
    and a postcode. A type that is an everyday word too (`via`, `place`) needs a capitalised
    name after it, or a postcode after the street.
    """
    start = word.start()
    lower = word.group(0).lower()
    sure = lower in STRONG_PREFIX_TYPES or bare in STRONG_PREFIX_TYPES
    before = part.NUMBER_BEFORE.search(text, max(0, start - 20), start)
    m = None if before else _AFTER_TYPE.match(text, word.end())
    if m:
        words = m.group("words").split()
        titled = word.group(0)[0].isupper() or any(w[0].isupper() for w in words)
        if _words_ok(words, titled and _has_upper(text, 0, len(text))):
            capitalised = any(
                w[0].isupper() and not w.isupper() for w in words if w.lower() not in PARTICLES
            )
            ambiguous = lower in AMBIGUOUS_PREFIX_TYPES or bare in AMBIGUOUS_PREFIX_TYPES
            return _Block(start, m.end(), not ambiguous or capitalised)
    m = _AFTER_TYPE_NO_NUMBER.match(text, word.end())
    if m is None:
        return None
    words = m.group("words").split()
    keep = 0
    titled = word.group(0)[0].isupper() or any(w[0].isupper() for w in words)
    while keep < len(words) and _words_ok(words[: keep + 1], titled):
        keep += 1
    if keep == 0:
        return None
    end = word.end()
    for w in words[:keep]:
        end = text.index(w, end) + len(w)
    return _Block(before.start() if before else start, end, sure or before is not None)


def _name_then_number(text: str, word: re.Match[str], *, glued: bool) -> _Block | None:
    """`Hauptstraße 12`, `Skolvägen 76`, `Nils Westermarckin bulevardi 533`."""
    number = part.HOUSE_NUMBER_AT.match(text, word.end())
    if number is None:
        return None
    start = word.start()
    if not glued:
        before = re.search(
            rf"(?:{part.NAME_WORD}{part.GAP}){{1,3}}$", text[max(0, start - 60) : start]
        )
        if before is None:
            return None
        start -= len(before.group(0)) - _prose_before_name(before.group(0), text)
    return _Block(start, number.end(), True)


def _prose_before_name(words: str, text: str) -> int:
    """How many characters of `words` (before a type such as `út`) are prose, not the name: in
    a text with capitals a street's name is capitalised (`send to Váci út 33` → `send to `)."""
    if not _has_upper(text, 0, len(text)):
        return 0
    cut = 0
    for m in re.finditer(r"\S+\s*", words):
        w = m.group(0)
        if w[0].isupper() or w[0].isdigit():
            return cut
        if w.strip().lower() not in PARTICLES:
            cut = m.end()
    return cut


_US_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_AU_POSTCODE = re.compile(r"\d{4}")
_CA_POSTCODE = re.compile(r"[A-Za-z]\d[A-Za-z][ \t]?\d[A-Za-z]\d")


def state_code_fits(state: str, code: str, *, titled: bool) -> bool:
    """Whether `state` and the postcode after it are one country's: a US state and a ZIP,
    an Australian state and four digits, a Canadian province and `A1A 1A1`; written in
    capitals wherever the text has any. `on 0509 036 85 14` (a phone number after `on`)
    is no town in Ontario."""
    upper = state.upper()
    if titled and state != upper:
        return False
    return bool(
        (upper in US_STATES and _US_ZIP.fullmatch(code))
        or (upper in AU_STATES and _AU_POSTCODE.fullmatch(code))
        or (upper in CA_PROVINCES and _CA_POSTCODE.fullmatch(code))
    )


def _town_state_code(text: str, state_at: int) -> _Block | None:
    """`Johnsonfurt, NE 80119` on its own: the town is the words before the state."""
    m = part.STATE_CODE.match(text, state_at)
    if m is None:
        return None
    window = text[max(0, state_at - 60) : state_at]
    titled = _has_upper(text, state_at - len(window), m.end())
    if not state_code_fits(m.group("state"), m.group("code"), titled=titled):
        return None
    town = re.search(rf"((?:{part.TOWN_WORD}[ \t]+){{0,3}}{part.TOWN_WORD}),?[ \t]+$", window)
    if town is None:
        return None
    words = town.group(1).split()
    while words and not _words_ok(words, titled):
        words = words[1:]
    if not words:
        return None
    start = state_at - len(window) + town.start(1) + len(town.group(1)) - len(" ".join(words))
    return _Block(_lines_back(text, start), m.end(), True)


def _lines_back(text: str, start: int, most: int = 3) -> int:
    """Include up to `most` short address-like lines before a town or postcode line, up to
    and with the first that holds a number (the street's)."""
    return _climb(text, start, most, _address_line, stop_at_number=True)


def _climb(
    text: str, start: int, most: int, line_ok: Callable[[str], bool], *, stop_at_number: bool
) -> int:
    """Where a block that begins at `start` begins once it takes up to `most` of the lines
    above it that `line_ok` accepts (none when `start` is not at its line's start)."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return start
    for _ in range(most):
        if line_start == 0:
            break
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        line = text[prev_start : line_start - 1]
        if not line_ok(line):
            break
        line_start = prev_start
        if stop_at_number and any(c.isdigit() for c in line):
            break
    return line_start + len(text[line_start:start]) - len(text[line_start:start].lstrip())


_NUMBER_WORD = re.compile(r"(?i)(?<![\w.])(?:h\.?[ \t]?)?no\.(?=[ \t]*\d)")
"""`No. 213`, `H.No. 11-1-321/A`: the word that says a number follows."""
_FIELD_MARK = re.compile(r"[:@|]")
"""A label, an e-mail or a signature's separator: a line of another field, not the address."""
_PHONE_DIGITS = 9
"""A line with this many digits holds a phone number (`Office 0802 182 8889`), not a flat's."""


def lines_above(text: str, start: int, most: int = 3) -> int:
    """Back over up to `most` address lines above a town-and-postcode line that begins at
    `start`, numbered or not: an Indian or Japanese block's flat, building, street and area
    each have a line of their own (`Flat 168, Prestige Lakeside` / `Sector 62` / `Hill Town,
    Kerala 777624`). A label (`Home address:`), prose or a blank line ends the climb."""
    return _climb(text, start, most, _block_line, stop_at_number=False)


def _block_line(line: str) -> bool:
    return (
        _FIELD_MARK.search(line) is None
        and sum(c.isdigit() for c in line) < _PHONE_DIGITS
        and _address_line(_NUMBER_WORD.sub(" ", line))
    )


def _address_line(line: str) -> bool:
    """A line that can belong to an address block: a few names and numbers, no prose."""
    words = line.replace(",", " ").split()
    if not words or len(words) > 6 or line.rstrip().endswith((":", ".", "?", "!")):
        return False
    titled = any(c.isupper() for c in line)
    return _words_ok([w for w in words if not any(c.isdigit() for c in w)], titled)


TOWN_ARTICLES = frozenset(["A", "O", "As", "Os", "Den", "Het", "'s", "El", "Los", "Las"])
"""Capitalised articles that begin a town's name (`A Coruña`, `O Porto`, `Den Haag`)."""


def _town_ok(town: str, titled: bool) -> bool:
    words = re.sub(r"\(.*?\)|/\s*\w+", "", town).split()
    if len(words) > 1 and words[0] in TOWN_ARTICLES:
        words = words[1:]
    return _words_ok(words, titled)


def _town_end(text: str, start: int, town: str, titled: bool) -> int | None:
    """Where the town's valid words end (the longest valid prefix), or None."""
    words = list(re.finditer(r"\S+", town))
    keep = len(words)
    while keep and not _town_ok(town[: words[keep - 1].end()], titled):
        keep -= 1
    if not keep:
        return None
    end = start + words[keep - 1].end()
    return end - 1 if text[end - 1] == "." else end  # a sentence's full stop is no part of it


def town_end_at_segment(text: str, start: int, town: str, titled: bool) -> int | None:
    """The longest valid prefix of `town` that ends a segment (`GRENIER.` of `GRENIER.
    MOBILE +33 ...`: the words after a full stop are the next sentence's), or None."""
    words = list(re.finditer(r"\S+", town))
    for keep in range(len(words), 0, -1):
        end = _town_end(text, start, town[: words[keep - 1].end()], titled)
        if end is not None and _ends_segment(text, end):
            return end
    return None


def _ends_segment(text: str, end: int) -> bool:
    return end >= len(text) or text[end] in "\n.,;:)!?" or text[end : end + 2] == " -"


def _merge(text: str, blocks: list[_Block]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for block in sorted(blocks, key=lambda b: (b.start, -b.end)):
        if (
            spans
            and block.start <= spans[-1][1] + 2
            and not text[spans[-1][1] : block.start].strip(" ,\n")
        ):
            spans[-1] = (spans[-1][0], max(spans[-1][1], block.end))
        else:
            spans.append((block.start, block.end))
    return spans
