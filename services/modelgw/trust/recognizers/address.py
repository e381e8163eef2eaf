"""Postal addresses, read the way a person reads an envelope: a street, then what follows it.

An address is found from an anchor that only addresses have: a house number
with a street type (`1777 Kramer Court`, `Hauptstraße 12`, `ul. Długa 5`,
`5, avenue Samson`), a PO box, a military post office line (`APO AE
09012`), a town with a state and ZIP (`Johnsonfurt, NE 80119`), a British
postcode, or a postcode after the word for one. From the anchor it grows
over the parts that follow, each after a comma or one line break: unit,
town, postcode, state, country; and back over a unit line or the first line
of a military address. The whole block is one value: one placeholder, so a
model sees `<ADDRESS_1>`, not a town here and a postcode there.

A weak anchor (a rare street type such as `Light`, a street with no
number, a bare `Grammova 8`) counts only when a postcode or state follows.
No library does this for free text: `pyap2` (US, CA, GB only) covered a
fifth of the business set's addresses at ~3 ms a message; libpostal parses
an address it is given but does not find one in prose, and needs a C
library and ~2 GB of data.
"""

from __future__ import annotations

import re

from modelgw.trust import address_parts as part
from modelgw.trust.address_words import (
    AMBIGUOUS_GLUED,
    ENGLISH_SUFFIXES,
    PREFIX_TYPES,
    SEPARATE_AFTER,
)
from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import PlaceNames
from modelgw.trust.recognizers.address_cued import bare_street_then_town
from modelgw.trust.recognizers.address_shapes import (
    _LINE_OR_COMMA,
    _POSTCODE_CUE,
    _POSTCODE_CUE_WORD,
    _STATE_HINT,
    STATES,
    _Block,
    _has_upper,
    _lines_back,
    _merge,
    _name_then_number,
    _number_first,
    _town_end,
    _town_ok,
    _town_state_code,
    _type_first,
    _words_ok,
    glued_suffix,
    town_end_at_segment,
)
from modelgw.trust.recognizers.base import RegexRecognizer

_IN_BEFORE_CODE = re.compile(r"[ \t]+(?i:in)[ \t]+(?=(?:[A-Za-z]{1,2}-)?\d|[A-Za-z]\d)")
"""`lives at Hauptstraße 5 in 10115 Berlin`: prose joins the street to its postcode and town
with `in`; only a postcode and town may follow it (`_next_part`, spaced)."""


_IN_TOWN = re.compile(
    r"[ \t]+(?i:in)[ \t]+(?P<town>[^\W\d_][\w'\-]*(?:[ \t]+[^\W\d_][\w'\-]*){0,2})"
)
_TITLED_RUN = re.compile(r"[^\W\d_a-z][^\W\d_]+(?:[ \t]+[^\W\d_a-z][^\W\d_]+){0,2}")
"""One to three capitalised words: a region's or a country's name (`Negeri Sembilan`)."""


def _after_town(code: re.Match[str], text: str) -> bool:
    """Five to seven digits a space after a town's name (`Modiin 3386569`): its postcode."""
    digits = code.group(0)
    before = text[: code.start()].rstrip(" \t")
    return digits.isdigit() and len(digits) >= 5 and before[-1:].isalpha()


class AddressRecognizer(RegexRecognizer):
    entity = "ADDRESS"
    score = 0.85

    def __init__(self, places: PlaceNames | None = None, names: NameLists | None = None) -> None:
        super().__init__()
        self._places = places
        self._english: frozenset[str] = names.english | names.common if names else frozenset()
        """English words: no street's or town's name (empty without name lists)."""

    def find(self, text: str) -> list[tuple[int, int]]:
        blocks = [*self._street_anchors(text), *self._other_anchors(text)]
        found: list[_Block] = []
        for block in blocks:
            end, grew = self._grow(text, block.end, titled=_has_upper(text, block.start, block.end))
            if block.strong or grew:
                found.append(_Block(self._grow_back(text, block.start), end, True))
        return _merge(text, found)

    # --- anchors -------------------------------------------------------------------------
    def _street_anchors(self, text: str) -> list[_Block]:
        blocks: list[_Block] = []
        for word in part.WORD_RE.finditer(text):
            lower = word.group(0).lower()
            bare = lower.rstrip(".")
            if bare in ENGLISH_SUFFIXES or lower in ENGLISH_SUFFIXES:
                block = _number_first(text, word, bare)
                if block:
                    blocks.append(block)
            if lower in PREFIX_TYPES or bare in PREFIX_TYPES:
                block = _type_first(text, word, bare)
                if block:
                    blocks.append(block)
            glued = glued_suffix(bare)
            if lower in SEPARATE_AFTER or bare in SEPARATE_AFTER or glued:
                ambiguous = glued is not None and glued in AMBIGUOUS_GLUED
                if not ambiguous or word.group(0)[0].isupper():
                    block = _name_then_number(text, word, glued=glued is not None)
                    if block:
                        blocks.append(block)
        return blocks

    def _other_anchors(self, text: str) -> list[_Block]:
        blocks: list[_Block] = []
        blocks += [_Block(start, end, True) for start, end in part.po_box_spans(text)]
        for m in part.MILITARY_LINE.finditer(text):
            first = part.MILITARY_FIRST_LINE.search(text, max(0, m.start() - 60), m.start())
            blocks.append(_Block(first.start() if first else m.start(), m.end(), True))
        for m in _STATE_HINT.finditer(text):
            block = _town_state_code(text, m.start())
            if block:
                blocks.append(block)
        for m in part.UK_POSTCODE_RE.finditer(text):
            blocks.append(_Block(_lines_back(text, m.start()), m.end(), True))
        for m in _POSTCODE_CUE.finditer(text) if _POSTCODE_CUE_WORD.search(text) else ():
            blocks.append(_Block(*m.span("code"), True))
        for m in _LINE_OR_COMMA.finditer(text):
            block = bare_street_then_town(text, m.start(), m.end(), self._english)
            if block:
                blocks.append(block)
        return blocks

    # --- growth --------------------------------------------------------------------------
    def _grow(self, text: str, end: int, *, titled: bool) -> tuple[int, bool]:
        """Extend over the parts after `end`; whether a postcode, state or country was one."""
        grew = False
        after_code = end > 0 and text[end - 1].isdigit()
        for _ in range(6):
            sep = part.SEPARATOR.match(text, end)
            spaced = sep is None or not sep.group(0).strip(" \t")
            pos = sep.end() if sep else end
            if sep is None:
                town = self._in_known_town(text, end)
                if town is not None:  # `3-119-12 Kitahama in Kōfu`: a street in a known town
                    return town, True
                space = _IN_BEFORE_CODE.match(text, end) or part.SPACE.match(text, end)
                if space is None:
                    break
                pos = space.end()
            step = self._next_part(text, pos, titled=titled, spaced=spaced and not after_code)
            if step is None and grew and titled and sep is not None and "," in sep.group(0):
                region = self._region_end(text, pos)  # `, 76783 Ipoh, Perak keeps dropping`
                step = (region, True) if region else None
            if step is None:
                break
            end, strong = step
            after_code = bool(re.search(r"\d$", text[pos:end]))
            grew = grew or strong
        return end, grew

    def _next_part(
        self, text: str, pos: int, *, titled: bool, spaced: bool
    ) -> tuple[int, bool] | None:
        unit = part.UNIT.match(text, pos)
        if unit:
            return unit.end(), False
        m = part.TOWN_STATE_CODE.match(text, pos)
        if m and m.group("state").upper() in STATES and _town_ok(m.group("town"), titled):
            return m.end(), True
        m = part.STATE_CODE.match(text, pos)
        if m and m.group("state").upper() in STATES:
            return m.end(), True
        town_end = self._code_then_town(text, pos, titled)
        if town_end:
            return town_end, True
        m = part.POSTCODE_AT.match(text, pos)
        if m and (not spaced or part.UK_POSTCODE_RE.fullmatch(m.group(0)) or _after_town(m, text)):
            return m.end(), True
        if spaced:
            return None
        m = part.TOWN_POSTCODE.match(text, pos)
        if m and _town_ok(m.group("town"), titled):
            # `Legazpi, 7670 Albay`: the code may as well begin the next part
            return max(m.end(), self._code_then_town(text, m.start("code"), titled) or 0), True
        m = part.TOWN_AT.match(text, pos)
        if m:
            town_end = town_end_at_segment(text, pos, m.group(0), titled) or self._known_place_end(
                text, pos, m.group(0)
            )
            if town_end:
                country = self._places is not None and text[pos:town_end] in self._places
                return town_end, bool(country)
        return None

    def _code_then_town(self, text: str, pos: int, titled: bool) -> int | None:
        """Where a postcode and the town after it end (`7670 Albay`), or None."""
        m = part.POSTCODE_TOWN.match(text, pos)
        if m is None or part.counts_things(m, self._english):
            return None
        town, at = m.group("town"), m.start("town")
        # The town ends where its segment does (`45845 SERVAS. PREFERS ...`), else at its
        # last valid word, or its last word the gazetteer knows (`7474 Novo mesto keeps`).
        end = town_end_at_segment(text, at, town, titled) or _town_end(text, at, town, titled)
        known = self._known_place_end(text, at, town)
        return max(end or 0, known or 0) or None

    def _in_known_town(self, text: str, end: int) -> int | None:
        """The end of ` in ` and a town the gazetteer knows, written as the text writes names
        (capitalised where it has capitals), right after a street; else None."""
        m = _IN_TOWN.match(text, end)
        if m is None:
            return None
        town_end = self._known_place_end(text, m.start("town"), m.group("town"))
        if town_end is None:
            return None
        words = text[m.start("town") : town_end].split()
        titled = not (text.islower() or text.isupper())
        return town_end if _words_ok(words, titled=titled) else None

    def _region_end(self, text: str, pos: int) -> int | None:
        """The end of a run of capitalised words at `pos`, none of them an English or stop word,
        before prose in lower case: the region or country that closes an address with a postcode
        in running text (`63793 Seremban, Negeri Sembilan by Friday`), which no comma ends."""
        m = _TITLED_RUN.match(text, pos)
        if m is None or (m.end() < len(text) and text[m.end()] not in " \t"):
            return None
        words = m.group(0).split()
        if any(w.lower() in self._english for w in words) or not _words_ok(words, titled=True):
            return None
        return m.end()

    def _known_place_end(self, text: str, pos: int, words: str) -> int | None:
        """The end of the longest run of `words` the gazetteer knows as a place: the last part
        of an address in running text (`, Negeri Sembilan by Friday`), where no comma or full
        stop ends it."""
        if self._places is None:
            return None
        found = list(re.finditer(r"\S+", words))
        for keep in range(len(found), 0, -1):
            name = words[: found[keep - 1].end()].rstrip(".,")
            if name in self._places:
                return pos + len(name)
        return None

    def _grow_back(self, text: str, start: int) -> int:
        unit = part.UNIT_BEFORE.search(text, max(0, start - 24), start)
        return unit.start() if unit else start
