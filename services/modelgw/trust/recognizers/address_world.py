# ruff: noqa: RUF002  (Turkish letters in the examples)
"""Addresses in the formats of more countries, on top of the Western ones `address` reads.

- India and Nigeria: a house or plot before the street (`H.No. 3-7-724/A`,
  `Plot 12`, `No. 4`), Bengaluru's `3rd Main` and `14th Cross`, and the line
  `Town, State 560001` (six-digit PIN) or `Kano 700001`;
- Japan: a block number `5-1-13` before the district, and `Kita-ku, Osaka
  530-0001` (a `NNN-NNNN` postcode after the town, or before it after a block:
  `3-21-12 Honcho, 969-2598 Toyama`);
- Turkey: the quarter before the street (`Moda Mah.`), the flat (`D: 4`),
  and `34710 Kadıköy/İstanbul`;
- Brazil's state after the town (`Belo Horizonte - MG`), Italy's province
  (`09124 Cagliari CA`), Spain's floor and door (`2º izq.`, `3.º C`, `bajo`),
  France's `bis`/`ter` and `Bâtiment B, appartement 6`;
- a flat and a named building before a street (`Flat 2, Mercer House,`), and
  a lone `postcode town` line whose town the gazetteer knows (`40210 Düsseldorf`).
"""

from __future__ import annotations

import re

from modelgw.trust import address_parts as part
from modelgw.trust.address_regions import (
    BR_STATES,
    BUILDING_WORDS,
    IT_PROVINCES,
    SIX_DIGIT_STATES,
)
from modelgw.trust.recognizers.address import AddressRecognizer
from modelgw.trust.recognizers.address_shapes import _Block, _words_ok, lines_above
from modelgw.trust.tail_scan import TailAnchored

_W = part.WORD
_TOWN = rf"{_W}(?:[ \t]+{_W}){{0,3}}"
_HOUSE = r"(?i:plot|h\.?[ \t]?no\.?|house[ \t]+no\.?|door[ \t]+no\.?|d\.?[ \t]?no\.?|no\.|#|số)"
"""A house's lead-in before its number: India's `Plot`, `H.No.`, Vietnam's `Số`."""
_AFTER = r"(?=$|[\s,.;:)\"'])"
_EXTRA_UNIT = re.compile(
    r"(?i:d|daire|kat|blok)[ \t]*:[ \t]*\d{1,4}[A-Za-z]?"  # Turkish flat and floor
    r"|\d{1,2}\.?[ \t]?[ºª°oa][ \t]?(?i:izq(?:da|uierda)?\.?|dcha\.?|der(?:echa)?\.?|centro"
    r"|[A-Za-z](?![\w]))?"  # Spanish floor and door
    r"|(?i:bajo|entresuelo|entlo\.?|ático|atico|principal|pral\.?)(?![\w])"
    r"|(?i:appartement|appart\.?|bâtiment|batiment|bât\.?|escalier|esc\.?|bloco|blk\.?|block"
    r"|wing|tower)[ \t]*[A-Za-z0-9]{1,4}(?![\w])"
)
_LABEL_AHEAD = re.compile(r"[^\W\d_][\w ()/.\-]{0,30}:(?![\d/])")
"""`Phone (mobile):` on the next line: another field, where an address block ends."""
_REGION_AFTER = re.compile(rf"(?P<code>[A-Za-z]{{2}}){_AFTER}")
_SIX_DIGITS = re.compile(rf"(?P<town>{_TOWN})[ \t]+\d{{6}}(?![\d\-])")
_JP_POSTCODE = re.compile(rf"(?P<town>{_TOWN})[ \t]+\d{{3}}-\d{{4}}(?![\d\-])")
_CODE_TOWN_PROVINCE = re.compile(rf"\d{{5}}[ \t]+{_W}[ \t]*/[ \t]*{_W}")
_BACK_STEPS = (
    re.compile(rf"(?:^|(?<=[\s,(:\x22']))(?:{_HOUSE})[ \t]*(?:\d[\w\-/]*)?,?[ \t]*$"),
    re.compile(rf"(?:^|(?<=[\s,(:\x22']))(?:{_EXTRA_UNIT.pattern}),?[ \t]*\n?[ \t]*$"),
    re.compile(r"(?i)(?:^|(?<=[\s,(:\x22']))\d{1,5}[ \t]*(?:bis|ter|quater)\b,?[ \t]*\n?[ \t]*$"),
    re.compile(
        rf"(?:^|(?<=[\s,(:\x22']))(?:{_W}[ \t]+){{1,2}}(?i:mah\.|mahallesi|mh\.)"
        r"(?:,[ \t]*|[ \t]+|[ \t]*\n[ \t]*)$"
    ),
    re.compile(
        rf"(?:^|(?<=[\s,(:\x22']))(?:(?:{part.UNIT.pattern}),?[ \t]*)?(?:{_W}[ \t]+){{0,3}}"
        rf"(?i:{BUILDING_WORDS}),[ \t]*\n?[ \t]*$"
    ),
    part.UNIT_BEFORE,
    # a unit and its building's name before the street (`Flat 9, The Maltings, `)
    re.compile(
        rf"(?:^|(?<=[\s,(:\x22']))(?:{part.UNIT.pattern}),[ \t]*"
        rf"(?:The[ \t]+)?[^\W\d_a-z][\w'\-]*(?:[ \t]+[^\W\d_a-z][\w'\-]*){{0,2}}"
        r",?[ \t]*\n?[ \t]*$"
    ),
)
_SIX_DIGIT_LINE = re.compile(rf"(?<![\w\-])(?P<town>{_TOWN})[ \t]+\d{{6}}(?![\d\-])")
_SIX_DIGIT_TAIL = re.compile(r"[ \t]\d{6}")
"""What every `_SIX_DIGIT_LINE` match ends with: tried first, as the town words before it cost
~0.3 ms a kilobyte to look for; then only the run of word characters before each is read."""
_SIX_DIGIT_LINES = TailAnchored(_SIX_DIGIT_LINE, _SIX_DIGIT_TAIL, r"[\w'\u2019\-. \t]")
_PROSE = r"(?i:in|at|on|to|for|and|is|the|between|by|from|near)(?![\w'\-])"
"""Words of the sentence going on after a Japanese block's district (`1-4-12 Sakae in Kōfu`)."""
_JP_MARK = re.compile(r"〒[ \t]?\d{3}-?\d{4}(?![\d\-])")
"""Japan's postal mark and the postcode after it: an address begins here, whatever follows."""
_AFTER_JP_MARK = re.compile(rf"{_JP_MARK.pattern}[ \t]*\n?[ \t]*$")
_JP_BLOCK = re.compile(
    rf"(?<![\w\-])\d{{1,2}}-\d{{1,3}}-\d{{1,4}}[ \t]+{_W}(?:[ \t]+(?!{_PROSE}){_W}){{0,3}}"
    r"(?:[ \t]+\d{1,5})?"
)
"""`6-22-12 Jingūmae Sunny Heights 170`: block numbers, the district, a building and its room."""
_JP_LINE = re.compile(
    rf"(?<![\w\-])(?:{_W}-(?i:ku|shi|cho|machi|gun),[ \t]+)?(?P<town>{_W})[ \t]+\d{{3}}-\d{{4}}"
    r"(?![\d\-])"
)
_JP_CODE_FIRST = re.compile(rf"(?<![\w\-])\d{{3}}-\d{{4}}[ \t]+{_W}(?![\w\-])")
"""The postcode before the town (`969-2598 Toyama`), as romanised addresses are also written."""
_JP_BLOCK_BEFORE = re.compile(
    rf"{_JP_BLOCK.pattern}(?:[ \t]*,[ \t]*\n?|[ \t]*\n|[ \t]+(?i:in)[ \t]+)[ \t]*$"
)
"""A block line right before such a postcode: `3-21-12 Honcho, ` (then the address is both)."""
_JP_TAIL = re.compile(r"[ \t]\d{3}-\d{4}")
"""What every `_JP_LINE` match ends with (its postcode), tried first like `_SIX_DIGIT_TAIL`."""
_JP_LINES = TailAnchored(_JP_LINE, _JP_TAIL, r"[\w'\u2019\-., \t]")
_BENGALURU = re.compile(
    r"(?<![\w])\d{1,2}(?i:st|nd|rd|th)[ \t]+(?i:main|cross)(?:[ \t]+(?i:road|rd\.?))?(?![\w])"
)
_BR_CEP_LINE = re.compile(
    rf"(?<![\w\-])\d{{5}}-\d{{3}}[ \t]+(?P<town>{_TOWN})[ \t]+-[ \t]+(?P<uf>[A-Za-z]{{2}})(?![\w])"
)
"""Brazil's last address line: the CEP, the town and the state (`65578-188 Serra do Mel - RS`)."""
_CODE_TOWN_LINE = re.compile(
    rf"(?:^|(?<=[\n:\x22']))[ \t]*(?P<code>\d{{5}})[ \t]+(?P<town>{_TOWN}?)[ \t]*(?=$|[\n,\x22'])",
    re.MULTILINE,
)


class WorldAddressRecognizer(AddressRecognizer):
    """`AddressRecognizer` with the anchors, parts and lead-ins of more countries."""

    def _other_anchors(self, text: str) -> list[_Block]:
        blocks = super()._other_anchors(text)
        for m in _SIX_DIGIT_LINES.finditer(text):
            town = self._region_or_place(m.group("town"))
            if town is not None:
                start = m.start("town") + len(m.group("town")) - len(town)
                blocks.append(_Block(lines_above(text, _parts_before(text, start)), m.end(), True))
        for m in _JP_LINES.finditer(text):
            ward = m.start() < m.start("town")
            if ward or self._known_place(m.group("town")) or _after_jp_block(text, m.start()):
                start = lines_above(text, _parts_before(text, m.start()))
                blocks.append(_Block(start, m.end(), True))
        for m in _BR_CEP_LINE.finditer(text) if "-" in text else ():
            if _br_state(m, text):
                blocks.append(_Block(m.start(), m.end(), True))
        for m in _JP_CODE_FIRST.finditer(text) if "-" in text else ():
            block = _JP_BLOCK_BEFORE.search(text, max(0, m.start() - 80), m.start())
            if block is not None:
                blocks.append(_Block(block.start(), m.end(), True))
        if "〒" in text:
            blocks += [_Block(*m.span(), True) for m in _JP_MARK.finditer(text)]
        for m in _JP_BLOCK.finditer(text):
            after_mark = _AFTER_JP_MARK.search(text, max(0, m.start() - 16), m.start())
            blocks.append(_Block(*m.span(), after_mark is not None))
        blocks += [_Block(*m.span(), True) for m in _BENGALURU.finditer(text)]
        for m in _CODE_TOWN_LINE.finditer(text):
            if self._known_place(m.group("town")) and _titled(m.group("town")):
                blocks.append(_Block(m.start("code"), m.end("town"), True))
        return blocks

    def _next_part(
        self, text: str, pos: int, *, titled: bool, spaced: bool
    ) -> tuple[int, bool] | None:
        unit = _EXTRA_UNIT.match(text, pos)
        if unit:
            return unit.end(), False
        if _LABEL_AHEAD.match(text, pos) and not text[text.rfind("\n", 0, pos) + 1 : pos].strip():
            return None
        cep = _BR_CEP_LINE.match(text, pos)
        if cep and _br_state(cep, text):
            return cep.end(), True
        code = _REGION_AFTER.match(text, pos)
        if code:
            letters = code.group("code")
            dash = text[max(0, pos - 3) : pos] == " - "
            if (dash and letters.upper() in BR_STATES) or (
                spaced and letters.isupper() and letters in IT_PROVINCES
            ):
                return code.end(), True
        m = _CODE_TOWN_PROVINCE.match(text, pos)
        if m:
            return m.end(), True
        step = super()._next_part(text, pos, titled=titled, spaced=spaced)
        for pattern in (_SIX_DIGITS, _JP_POSTCODE):
            m = pattern.match(text, pos)
            if (
                m
                and _words_ok(m.group("town").split(), titled)
                and (step is None or step[0] < m.end())
            ):
                return m.end(), True
        return step

    def _grow_back(self, text: str, start: int) -> int:
        for _ in range(6):
            for pattern in _BACK_STEPS:
                m = pattern.search(text, max(0, start - 60), start)
                if m and m.start() < start:
                    start = m.start()
                    break
            else:
                break
        return start

    def _region_or_place(self, town: str) -> str | None:
        """The longest tail of `town` that is a six-digit region or a known place."""
        words = town.split()
        for i in range(len(words)):
            tail = " ".join(words[i:])
            if tail.lower() in SIX_DIGIT_STATES or self._known_place(tail):
                return tail
        return None

    def _known_place(self, name: str) -> bool:
        return self._places is not None and name in self._places


def _titled(town: str) -> bool:
    return all(w[:1].isupper() or not w[:1].isalpha() for w in town.split())


def _after_jp_block(text: str, start: int) -> bool:
    """Whether the line above the one starting at `start` is a Japanese block line (`1-4-12
    sakae`): then a town unknown to the gazetteer before a postcode is still the address's."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == 0 or text[line_start:start].strip():
        return False
    above = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1].strip()
    return _JP_BLOCK.fullmatch(above) is not None


def _br_state(m: re.Match[str], text: str) -> bool:
    """A Brazilian state's code after the town, in capitals where the text has any."""
    uf = m.group("uf")
    titled = not (text.islower() or text.isupper())
    return (
        uf.upper() in BR_STATES
        and (uf.isupper() or not titled)
        and _words_ok(m.group("town").split(), titled=False)
    )


def _parts_before(text: str, start: int) -> int:
    """Back over the comma-separated parts before a town line, on the same line: the street,
    house and area of `No. 9, 7th Main, Indiranagar, Hyderabad, Telangana 500001`."""
    line_start = text.rfind("\n", 0, start) + 1
    if not re.search(r",[ \t]*$", text[line_start:start]):
        return start
    for _ in range(5):
        comma = text.rfind(",", line_start, start)
        if comma < 0 or text[comma + 1 : start].strip():
            break
        previous = text.rfind(",", line_start, comma)
        segment_start = previous + 1 if previous >= 0 else line_start
        tokens = list(re.finditer(r"\S+", text[segment_start:comma]))
        keep = len(tokens)
        while keep and not _address_tokens([t.group(0) for t in tokens[len(tokens) - keep :]]):
            keep -= 1
        if not keep:
            break
        start = segment_start + tokens[len(tokens) - keep].start()
        if keep < len(tokens):
            break  # prose before the address: it starts here
    return start


def _address_tokens(tokens: list[str]) -> bool:
    words = [t for t in tokens if not any(c.isdigit() for c in t) and t.lower() not in _LEAD_INS]
    return len(tokens) <= 6 and _words_ok(words, titled=False)


_LEAD_INS = frozenset(["no.", "h.no.", "plot", "#"])
