# ruff: noqa: SIM905  (word lists read best as words)
"""A street whose type is abbreviated, in any language: `Gedimino pr. 25`, `Jr. Lampa 236`.

Most of the world writes the street's type as a short abbreviation with a full stop, before
the name (`Av.`, `Jr.`, `Str.`, `Bd.`, `ul.`) or after it (Lithuanian `g.` and `pr.`, `al.`),
and a house number after both. The type lists (`address_words`, libpostal's words) cannot
hold every country's abbreviations, but the shape itself is rare outside addresses: a short
abbreviation, a name that is no English word, a number. Abbreviations that lead to a number
in other text (`No.`, `Fig.`, `Vol.`, `Jan.`, `Dr.`) are no street's type.
"""

from __future__ import annotations

import re
from collections.abc import Set

from modelgw.trust import address_parts as part
from modelgw.trust.recognizers.address_shapes import PARTICLES, _Block, _stop_words

_NOT_A_TYPE = frozenset(
    """
    no nr nos nº fig figs vol vols ch chap sec sect art arts p pp para tel fax ext ph mob approx
    ca vs etc min max inc ltd co corp dept est op ed eds ref rev hon gen col capt lt sgt mr mrs
    ms mx dr prof mt ft jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu
    thur thurs fri sat sun am pm e i ie eg al et cf id oz lb lbs kg km cm mm hr hrs yr yrs wk
    wks qty pcs pc tab v ver rel vers bld
    """.split()
)
"""Abbreviations that precede a number in text that is no address (`Fig. 3`, `Jan. 5`), or
that are a person's title (`Dr. Ortega 5`); `al.` as in `et al. 2019`."""
_ABBREVIATION = r"[^\W\d_]{1,3}\."
_NAME_WORD = rf"{part.LETTER}[\w'\u2019\-]*"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}"
_NUMBER = r"\d{1,5}[A-Za-z]?(?![\w\-/.]\d|[\w@])"
_ABBREVIATION_AT = re.compile(rf"(?<![\w'\u2019\-.]){_ABBREVIATION}(?=[ \t])")
"""Where each shape begins its reading: an abbreviation is rare in text, a name is not (read
at every word, the two shapes cost ~0.35 ms a kilobyte; from each abbreviation, ~0.05)."""
_NAME_THEN_NUMBER = re.compile(rf"[ \t]+(?P<name>{_NAME})[ \t]+{_NUMBER}")
"""After the abbreviation: `Jr.` + ` de la Unión 45`, `AV.` + ` AREQUIPA 116`."""
_NUMBER_AFTER = re.compile(rf"[ \t]*{_NUMBER}")
_NAME_BEFORE = re.compile(rf"(?<![\w'\u2019\-.])(?P<name>{_NAME})[ \t]+$")
"""Before the abbreviation: `Gedimino ` + `pr.` + ` 25`, `Vilniaus ` + `g.` + ` 48`."""


def abbreviated_streets(text: str, english: Set[str], *, titled: bool) -> list[_Block]:
    """Each street with an abbreviated type before or after its name, as a strong block."""
    if "." not in text:
        return []
    blocks: list[_Block] = []
    for abbreviation in _ABBREVIATION_AT.finditer(text):
        written = abbreviation.group(0)[:-1]
        if written.lower() in _NOT_A_TYPE or (titled and len(written) > 1 and written.isupper()):
            continue  # `NA. Prefers ...`: in a text with capitals, a sentence's end
        at, end = abbreviation.start(), abbreviation.end()
        after = _NAME_THEN_NUMBER.match(text, end)
        if after is not None:
            start = _name_start(after.group("name"), after.start("name"), english, titled)
            if start is not None:
                blocks.append(_Block(at, after.end(), True))
        number = _NUMBER_AFTER.match(text, end)
        before = number and _NAME_BEFORE.search(text, max(0, at - 80), at)
        if number is not None and before:
            start = _name_start(before.group("name"), before.start("name"), english, titled)
            if start is not None:
                blocks.append(_Block(start, number.end(), True))
    return blocks


def _name_start(name: str, at: int, english: Set[str], titled: bool) -> int | None:
    """Where the street's name begins in `name` (at `at`; its prose words in front trimmed),
    or None when what remains is no street's name: an English or stop word in it (particles
    aside: `de la Unión`), a particle last, or in a text with capitals, a word in lower case."""
    words = list(re.finditer(r"\S+", name))
    if words[-1].group(0).lower() in PARTICLES:
        return None  # `... Prefers WhatsApp on 313`: prose before a number
    stop = _stop_words()
    for i, w in enumerate(words):
        rest = [x.group(0).lower() for x in words[i:] if x.group(0).lower() not in PARTICLES]
        if any(x in stop or x in english for x in rest):
            continue
        if titled and not all(
            x.group(0)[0].isupper() or x.group(0).lower() in PARTICLES for x in words[i:]
        ):
            continue
        return at + w.start()
    return None
