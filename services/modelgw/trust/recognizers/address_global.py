"""Address shapes of the postal conventions that `address` and `address_world` do not read.

Written from the conventions themselves (the UPU's address formats and each
post's own rules), not from any example set:

- a postcode of three digits (Iceland, `101 Reykjavík`) or six (Romania,
  Russia, Vietnam, `010063 București`) before the town, read only after a
  street and only before a capitalised town; a town's district number after
  it (`110 00 Praha 1`);
- a floor written after its number (`3. emelet`, `2. patro`, `4.º andar`),
  the side of a Portuguese flat (`2.º Esq.`), a Nordic staircase and flat
  (`5 A 7`), Romania's block, staircase and flat (`bl. A2, sc. 1, ap. 4`);
- districts that follow the street (`Col. Centro`, `Phường Bến Thành`,
  `Quận 1`, `TP. Hồ Chí Minh`);
- Korea's road names, romanised (`152 Teheran-ro`, `Sejong-daero 110`) or in
  Hangul (`강남구 테헤란로 152`);
- Vietnam's ward and district as the anchor of an address without a street
  type (`45 Nguyễn Huệ, Phường Bến Nghé, Quận 1`);
- streets named after a date (`Calle 5 de Mayo #123`, `Rua 7 de Setembro, 40`);
- a bare street in running text before a postcode and town (`deliver to
  Masarykova 1234/5, 602 00 Brno`), or after a verb of sending, visiting or
  living and before a town (`address_cued`), and Hungary's town line before the street
  (`1055 Budapest, Kossuth Lajos utca 12.`).
"""

from __future__ import annotations

import re

from modelgw.trust import address_parts as part
from modelgw.trust.address_dictionary import load_address_words
from modelgw.trust.recognizers.address_abbreviated import abbreviated_streets
from modelgw.trust.recognizers.address_cued import cued_streets, streets_without_verb
from modelgw.trust.recognizers.address_lead import lead_start
from modelgw.trust.recognizers.address_shapes import (
    PARTICLES,
    _Block,
    _town_end,
    _words_ok,
)
from modelgw.trust.recognizers.address_world import WorldAddressRecognizer, _parts_before

_W = part.WORD
_UPPER_WORD = r"[^\W\d_a-z][\w'\u2019\-]*\.?"
_SEGMENT_END = r"(?=[ \t]*(?:$|[\n,;)]|\.(?!\d)))"
_FLOOR_WORDS = (
    r"emelet|em\.|patro|poschodie|piętro|pietro|kerros|krs\.?|etasje|etage|étage|floor|fl\."
    r"|andar|piso|planta|kat|sprat|nadstropje|korrus|stāvs|aukštas|hæð"
)
_NUMBER_UNIT = re.compile(
    rf"\d{{1,3}}(?:\.[ \t]?|[ \t]?[ºª°][ \t]?|\.[ºª°oa][ \t]?)(?i:{_FLOOR_WORDS})(?![\w])"
    r"(?:[ \t]*\d{1,3}\.?(?:[ \t]*(?i:ajtó|door|dveře))?)?"
    r"|\d{1,2}(?:\.?[ \t]?[ºª°]|\.[oa])[ \t]?(?i:esq\.?|esquerdo|dto\.?|direito|dt\.?|frente|fte\.?"
    r"|izq(?:uierda)?\.?|dcha\.?|derecha)(?![\w])"
)
"""A floor after its number (`3. emelet 5.`, `2. patro`, `4.º andar`) or a flat's side
(`2.º Esq.`, `3º dcha.`)."""
_STAIRCASE = re.compile(rf"[A-Z](?:[ \t]?\d{{1,3}})?{_SEGMENT_END}")
"""`5 A 7` (Finland, Sweden): the staircase's letter and the flat's number after the house."""
_BLOCK_UNIT = re.compile(r"(?i:bl|sc|ap|et|apt|tronson)\.[ \t]*[A-Za-z]?\d{1,4}[A-Za-z]?(?![\w])")
"""Romania's block, staircase, floor and flat: `bl. A2`, `sc. 1`, `et. 3`, `ap. 4`."""
_VN_ADMIN = r"(?i:phường|quận|huyện|xã|thị[ \t]+trấn|thị[ \t]+xã|thành[ \t]+phố|tỉnh)"
_DISTRICT = re.compile(
    rf"(?P<word>{_VN_ADMIN}|P\.|Q\.|TP\.|Tp\.|(?i:col\.|colonia|fracc\.|fraccionamiento|barrio"
    rf"|bairro|urb\.|urbanización)|(?i:district|ward)(?=[ \t]+\d))[ \t]*"
    rf"(?P<name>\d{{1,3}}{_SEGMENT_END}|{part.TOWN})"
)
"""A district after the street: `Col. Centro`, `Phường Bến Thành`, `Quận 1`, `TP. Hồ Chí Minh`."""
_CODE_TOWN = re.compile(rf"(?P<code>\d{{3}}|\d{{6}})[ \t]+(?P<town>{_UPPER_WORD}.*)")
"""`101 Reykjavík`, `010063 București`: codes whose length is common in other numbers too."""
_DISTRICT_NUMBER = re.compile(rf"[ \t]+\d{{1,2}}{_SEGMENT_END}")
_DISTRICT_NUMBER_AT = re.compile(rf"\d{{1,2}}{_SEGMENT_END}")
_KR_ROAD = rf"{_W}-(?i:ro|gil|daero)(?:[ \t]+\d{{1,3}}(?i:beon-gil|-gil|beongil))?"
_KR_ROMAN = re.compile(
    rf"(?<![\w\-])(?:(?P<pre>\d{{1,5}}(?:-\d{{1,4}})?),?[ \t]+)?(?P<road>{_KR_ROAD})"
    rf"(?:,?[ \t]+(?P<post>\d{{1,5}}(?:-\d{{1,4}})?)(?![\w\-]))?"
)
"""`152 Teheran-ro`, `Sejong-daero 110`, `Dosan-daero 45-gil 12`: a number on either side."""
_KR_HANGUL = re.compile(
    r"(?:[가-힣]+(?:특별시|광역시|특별자치시|시|도|구|군|읍|면|동)[ \t]+){0,4}"
    r"[가-힣]{2,}(?:로|길)[ \t]?\d{1,5}(?:-\d{1,4})?(?![\d\-])"
)
"""`서울특별시 강남구 테헤란로 152`: city, district, then the road and its number."""
_VN_HOUSE = re.compile(
    rf"(?<![\w])(?i:số)[ \t]*\d{{1,5}}[A-Za-z]?(?:/\d{{1,4}})?[ \t]+{_W}(?:[ \t]+{_W}){{0,4}}"
    r"(?=[ \t]*[,\n]|[ \t]*$|(?<=\.))"
)
"""`Số 1 Tràng Tiền,`: Vietnamese writes "number" before the house number and the street."""
_VN_ANCHOR = re.compile(rf"(?<![\w])(?:{_VN_ADMIN})[ \t]+(?P<name>\d{{1,3}}(?![\w])|{_W})")
"""A ward or district: Vietnamese words that no English text uses, before a number or a name
that is no English stop word (`Quận is ...` is a sentence about the word)."""
_MONTHS = (
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre"
    r"|diciembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro"
    r"|dezembro"
)
_DATE_STREET = re.compile(
    r"(?i:calle|c/|avenida|av\.|avda\.?|calzada|boulevard|blvd\.?|bulevar|paseo|rua|avenue"
    r"|prolongación|travessa|praça)[ \t]+\d{1,2}[ \t]+(?i:de)[ \t]+"
    rf"(?i:{_MONTHS})(?P<num>[ \t]*,?[ \t]*(?:#|(?i:no\.?|núm\.?|nº|n°))?[ \t]*\d{{1,5}}[A-Za-z]?"
    r"(?![\w]))?"
)
"""`Calle 5 de Mayo #123`, `Avenida 16 de Septiembre 45`, `Rua 7 de Setembro, 40`."""
_STREET_IN_PROSE = re.compile(
    rf"(?P<street>(?:{part.NAME_WORD}{part.GAP}){{0,3}}{part.NAME_WORD},?{part.GAP}"
    rf"{part.HOUSE_NUMBER})[ \t]*$"
)
_COMMA_BEFORE_DIGIT = re.compile(r",[ \t]*(?=\d)")
"""Where a postcode may follow a street in running text: only there is a street looked for."""
_TOWN_LINE_BEFORE = re.compile(
    rf"(?:^|(?<=[\s:(]))(?P<code>\d{{4,5}})[ \t]+{_UPPER_WORD}(?:[ \t]+{_UPPER_WORD}){{0,2}}"
    r",[ \t]*\n?[ \t]*$"
)
"""`1055 Budapest, ` before `Kossuth Lajos utca 12.`: Hungary writes the town line first."""
_TOWN_BEFORE = re.compile(rf"(?:^|(?<=[\s:(]))(?P<town>{_W}(?:[ \t]+{_W}){{0,2}}),[ \t]*$")
"""`Visit scheduled: Bantry, 159 Bridge Street`: a town the gazetteer knows, then its street."""


_LIBPOSTAL_UNITS = load_address_words()["unit"]
_UNIT = (
    rf"(?P<word>{part.LETTER}[\w'\-]*\.?)"
    r"(?:[ \t]*#?[ \t]*\d[\w\-/]{0,5}|(?:[ \t]+#?|[ \t]*#)[ \t]*[A-Za-z]\d{0,4}\b)"
)
_UNIT_WORD_AT = re.compile(_UNIT)
_UNIT_WORD_BEFORE = re.compile(rf"(?:^|(?<=[\s,(:\x22'])){_UNIT},?[ \t]*\n?[ \t]*$")
"""A flat or floor in libpostal's words for it (`lakás 4`, `byt 12`, `asunto 7`), after a
street or before one; the word is looked up in a set, not matched as an alternation."""
_HANGUL = re.compile("[\uac00-\ud7a3]")


def _libpostal_unit(m: re.Match[str]) -> bool:
    word = m.group("word").lower()
    return word in _LIBPOSTAL_UNITS or word.rstrip(".") in _LIBPOSTAL_UNITS


def _particle(word: re.Match[str]) -> bool:
    return word.group(0).lower() in PARTICLES


class GlobalAddressRecognizer(WorldAddressRecognizer):
    """`WorldAddressRecognizer` with the formats listed in this module's docstring."""

    def _other_anchors(self, text: str) -> list[_Block]:
        blocks = super()._other_anchors(text)
        lower = text.lower()  # cheap tests first: most texts hold none of these shapes
        if "-ro" in lower or "-gil" in lower or "-daero" in lower:
            for m in _KR_ROMAN.finditer(text):
                if m.group("pre") or m.group("post"):
                    blocks.append(_Block(m.start(), m.end(), True))
        if _HANGUL.search(text):
            blocks += [_Block(*m.span(), True) for m in _KR_HANGUL.finditer(text)]
        if not text.isascii():
            for m in _VN_HOUSE.finditer(text):  # a sentence's full stop is no part of it
                blocks.append(_Block(m.start(), m.end() - (text[m.end() - 1] == "."), True))
        for m in () if text.isascii() else _VN_ANCHOR.finditer(text):
            if not _words_ok([m.group("name")], titled=False):
                continue
            start = _parts_before(text, m.start())
            label = text.rfind(":", start, m.start())  # `Giao hàng: 123 ...`: a field's label
            if label >= 0:
                start = label + 1 + len(text[label + 1 :]) - len(text[label + 1 :].lstrip())
            blocks.append(_Block(start, m.end(), True))
        for m in _DATE_STREET.finditer(text) if " de " in lower else ():
            blocks.append(_Block(m.start(), m.end(), m.group("num") is not None))
        blocks += self._streets_in_prose(text)
        if self._english:
            blocks += cued_streets(text, self._english)
            titled = not (text.islower() or text.isupper())
            blocks += streets_without_verb(text, self._english, titled=titled)
            blocks += abbreviated_streets(text, self._english, titled=titled)
        return blocks

    def _streets_in_prose(self, text: str) -> list[_Block]:
        """`deliver to Masarykova 1234/5, 602 00 Brno`: a street with no type word after a
        lead-in, before a postcode and town. Only in a text with capitals, where the street's
        capitalised words tell it from the prose before it."""
        if text.islower() or text.isupper():
            return []
        blocks: list[_Block] = []
        for m in _COMMA_BEFORE_DIGIT.finditer(text):
            code = part.POSTCODE_TOWN.match(text, m.end())
            if code is None or part.looks_like_amount(code.group("code")):
                continue
            if part.counts_things(code, self._english):
                continue
            town = code.group("town")
            if not town[:1].isupper() or _town_end(text, code.start("town"), town, True) is None:
                continue
            line_begin = text.rfind("\n", 0, m.start()) + 1
            street = _STREET_IN_PROSE.search(text, max(line_begin, m.start() - 80), m.start())
            if street is None:
                continue
            words = list(re.finditer(r"\S+", street.group("street")))[:-1]
            keep = len(words)  # the capitalised words (and particles) just before the number
            while keep and (words[keep - 1].group(0)[0].isupper() or _particle(words[keep - 1])):
                keep -= 1
            while keep < len(words) and not words[keep].group(0)[0].isupper():
                keep += 1
            names = [w.group(0) for w in words[keep:]]
            if names and _words_ok(names, titled=True):
                start = street.start("street") + words[keep].start()
                blocks.append(_Block(start, m.start(), False))
        return blocks

    def _next_part(
        self, text: str, pos: int, *, titled: bool, spaced: bool
    ) -> tuple[int, bool] | None:
        if "\uac00" <= text[pos : pos + 1] <= "\ud7a3":
            return None  # Hangul after a Korean road's number is the sentence going on
        district = _DISTRICT_NUMBER_AT.match(text, pos)
        if district and text[pos - 1] in " \t" and text[pos - 2 : pos - 1].isalpha():
            return district.end(), False  # `PRAHA 1` after a town another anchor found
        for pattern in (_NUMBER_UNIT, _BLOCK_UNIT):
            unit = pattern.match(text, pos)
            if unit:
                return unit.end(), False
        unit = _UNIT_WORD_AT.match(text, pos)
        if unit and _libpostal_unit(unit):
            return unit.end(), False
        m = _STAIRCASE.match(text, pos)
        if m and text[pos - 1] in " \t" and text[pos - 2 : pos - 1].isdigit():
            return m.end(), False
        m = _DISTRICT.match(text, pos)
        if m:
            name = m.group("name")
            end = m.end() if name[:1].isdigit() else _town_end(text, m.start("name"), name, True)
            if end is not None:
                return self._with_district_number(text, end), True
        step = super()._next_part(text, pos, titled=titled, spaced=spaced)
        if step is None and not spaced:
            m = _CODE_TOWN.match(text, pos)
            if m and not part.counts_things(m, self._english):
                end = _town_end(text, m.start("town"), m.group("town"), True)
                if end is not None:
                    return self._with_district_number(text, end), True
        if step is not None and text[step[0] - 1].isalpha():
            return self._with_district_number(text, step[0]), step[1]
        return step

    @staticmethod
    def _with_district_number(text: str, end: int) -> int:
        """`Praha 1`, `Wien 3`: a town's district number ends the town's segment."""
        m = _DISTRICT_NUMBER.match(text, end)
        return m.end() if m else end

    def _grow_back(self, text: str, start: int) -> int:
        start = super()._grow_back(text, start)
        if self._english:
            start = super()._grow_back(text, lead_start(text, start, self._english))
        unit = _UNIT_WORD_BEFORE.search(text, max(0, start - 40), start)
        if unit and _libpostal_unit(unit):
            start = super()._grow_back(text, unit.start())
        m = _TOWN_LINE_BEFORE.search(text, max(0, start - 60), start)
        if m and not part.looks_like_amount(m.group("code")):
            return m.start()
        m = _TOWN_BEFORE.search(text, max(0, start - 40), start)
        if m and self._places is not None and m.group("town") in self._places:
            return m.start("town")
        return start
