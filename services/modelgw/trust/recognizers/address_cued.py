"""A street with no type word, told by the words around it: a verb and a town, or a postcode.

`send the documents to Pod Vartou 419, Hořice`, `our technician will visit
Kerbiel 343 in Vinkebrug`, `she lives at Rotuaari 1056, Outokumpu`. Many
countries name streets without a type word (Czech, Dutch, Finnish, Spanish
housing estates), and in running text people leave the postcode out. None of
the three parts is an address alone; together they are: a verb of sending,
visiting or living (not of moving: `we moved to Python 3, Django`), then a
name and a house number, then a town after a comma or `in`. The street must
hold a word that is no English word (`to Room 5, Berlin` is no address), and
the town ends at its first English word (`Hořice instead`). In any case: in
capitals and in lower case too.

With a postcode and town after it (`bare_street_then_town`), no verb is needed: `Grammova 8,
777 63 Městec Králové`, `Völvufell 156, 608 Selfoss`.
"""

from __future__ import annotations

import re
from collections.abc import Set

from modelgw.trust import address_parts as part
from modelgw.trust.recognizers.address_shapes import (
    PARTICLES,
    _Block,
    _has_upper,
    _stop_words,
    _words_ok,
)
from modelgw.trust.recognizers.address_shapes import _town_end as _valid_town_end
from modelgw.trust.stop_words import CONTRACTION, english_stop_words

_VERB = (
    r"(?:send|sent|sending|ship|shipped|shipping|deliver|delivered|delivering|post|posted"
    r"|mail|mailed|forward|forwarded|return|returned|dispatch|dispatched|courier|bring"
    r"|brought|drive|drove)"
)
_CUE = (
    rf"(?:\b{_VERB}(?:[ \t]+[^\W\d_]+){{0,3}}?[ \t]+to"
    r"|\bvisit(?:s|ing|ed)?|\b(?:live|lives|living|located|based|reside|resides|residing|"
    r"stay|stays|staying)[ \t]+(?:at|on)|\baddress[ \t]+is:?)"
)
_CODE_BEFORE_TOWN = r"(?:\d{3}[ \t]\d{2}[ \t]+|\d{4,6}[ \t]+)?"
"""A postcode the town may have before it: `in 462 86 Hrádek`, `in 9579 Zwettl`."""
CUED_STREET = re.compile(
    rf"(?i:{_CUE})[ \t]+(?P<street>(?:{part.NAME_WORD}{part.GAP}){{0,3}}{part.NAME_WORD})"
    rf"[ \t]+(?P<number>\d{{1,5}}[A-Za-z]?)(?:,[ \t]*|[ \t]+(?i:in)[ \t]+){_CODE_BEFORE_TOWN}"
    rf"(?P<town>{part.TOWN_WORD}(?:[ \t]+{part.TOWN_WORD}){{0,4}})"
)
_STREET_WORDS = rf"(?P<street>(?:{part.NAME_WORD}{part.GAP}){{0,4}}{part.NAME_WORD})"
STREET_IN_TOWN = re.compile(
    rf"(?<![\w'\-]){_STREET_WORDS}[ \t]+(?P<number>\d{{1,5}}[A-Za-z]?)[ \t]+(?i:in)[ \t]+"
    rf"{_CODE_BEFORE_TOWN}(?P<town>{part.TOWN_WORD}(?:[ \t]+{part.TOWN_WORD}){{0,4}})"
)
"""No verb before it: `couldn't find Kalvodova 724 in Chabařovice` (prose words in front of the
street are trimmed; see `_street_start`)."""
AT_STREET = re.compile(
    rf"(?i:\bat)[ \t]+{_STREET_WORDS}[ \t]+(?P<number>\d{{1,5}}[A-Za-z]?)"
    r"(?=[ \t]*(?:[.;,!?)]|\r?$))",
    re.MULTILINE,
)
"""A street and its number after `at`, ending a clause: `the repair done at U Bažantnice 65.`"""
_NAME = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_STREET_PARTICLES = (PARTICLES - english_stop_words()) | frozenset(
    ["u", "za", "v", "ve", "na", "nad", "pod", "k", "ke", "ze"]
)
"""Small words of other languages that begin or join a street's name (`U Bažantnice`, `Za
Mýtem`, `de la`), none of them an English stop word."""
_NEEDS = re.compile(r"\d[A-Za-z]?(?:,|[ \t]+(?i:in)\b)")
"""What every match holds, looked for first: a number then a comma or `in`."""


def cued_streets(text: str, english: Set[str]) -> list[_Block]:
    """Each cued street with its town, as one strong block."""
    if _NEEDS.search(text) is None:
        return []
    blocks: list[_Block] = []
    for m in CUED_STREET.finditer(text):
        if not _street_ok(m.group("street").split(), english):
            continue
        end = _town_end(text, m.start("town"), m.group("town"), english)
        if end is not None:
            blocks.append(_Block(m.start("street"), end, True))
    return blocks


def streets_without_verb(text: str, english: Set[str], *, titled: bool) -> list[_Block]:
    """Streets with a number, then `in` and a town, or after `at` at a clause's end."""
    blocks: list[_Block] = []
    if _NEEDS.search(text) is not None:
        for m in STREET_IN_TOWN.finditer(text):
            start = _street_start(m, english, titled)
            end = _town_end(text, m.start("town"), m.group("town"), english)
            if start is not None and end is not None:
                blocks.append(_Block(start, end, True))
    for m in AT_STREET.finditer(text) if "at" in text.lower() else ():
        start = _street_start(m, english, titled)
        if start is not None and start == m.start("street"):  # the whole run after `at`
            blocks.append(_Block(start, m.end("number"), True))
    return blocks


def _street_start(m: re.Match[str], english: Set[str], titled: bool) -> int | None:
    """Where the street begins in the match's run of words: after the prose in front of it
    (`couldn't find`), at the first word of a run of no stop words that starts with a word that
    is no English word (or a particle: `U Bažantnice`), capitalised where the text has capitals."""
    words = list(re.finditer(r"\S+", m.group("street")))
    stop = english_stop_words()
    for i, w in enumerate(words):
        rest = [x.group(0) for x in words[i:]]
        first = _bare(rest[0])
        if any(_bare(x) in stop and _bare(x) not in _STREET_PARTICLES for x in rest):
            continue  # `the`, `of`, `on`: prose, not a street's small words
        if (first in english and first not in _STREET_PARTICLES) or CONTRACTION.search(first):
            continue  # `find`, `couldn't`: prose before the street
        if titled and not all(x[0].isupper() or _bare(x) in _STREET_PARTICLES for x in rest):
            continue
        if _street_ok(rest, english):
            return m.start("street") + w.start()
    return None


def _bare(word: str) -> str:
    return word.rstrip(".,").lower()


def _street_ok(words: list[str], english: Set[str]) -> bool:
    """No stop word (`to it 5, ...`), and one word no English word nor particle at least."""
    stop = _stop_words()
    if any(_bare(w) in stop for w in words):
        return False
    return any(_bare(w) not in english and _bare(w) not in PARTICLES for w in words)


def _town_end(text: str, start: int, town: str, english: Set[str]) -> int | None:
    """Where the town's words end: before the first English or stop word, particles inside a
    name kept (`Benešov nad Ploučnicí`); None when its first word is one."""
    stop = _stop_words()
    end = None
    for w in re.finditer(r"\S+", town):
        bare = _bare(w.group(0))
        if bare in PARTICLES and end is not None:
            continue
        if bare in english or bare in stop or not _NAME.fullmatch(bare):
            break
        end = start + w.start() + len(w.group(0).rstrip(".,"))
    return end


def bare_street_then_town(
    text: str, line_start: int, pos: int, english: Set[str] = frozenset()
) -> _Block | None:
    """`Grammova 8` / `Bergrøa 631` followed by `777 63 Městec Králové` / `, 0669 Ruthnes`.

    Three digits are a postcode here (`Völvufell 156, 608 Selfoss`) only where neither the
    street nor the town is an `english` word: `Ticket 4471, 120 Customers` counts things."""
    if line_start == 0 and pos == 0:
        return None
    m = part.POSTCODE_TOWN.match(text, pos)
    if m is None or part.looks_like_amount(m.group("code")):
        return None
    if part.counts_things(m, english):
        return None
    short = len(m.group("code")) == 3
    titled = _has_upper(text, m.start(), m.end())
    town_end = _valid_town_end(text, m.start("town"), m.group("town"), titled)
    if town_end is None:
        return None
    line_begin = text.rfind("\n", 0, line_start) + 1
    street = part.BARE_STREET.search(text, line_begin, line_start)
    if street is None:
        return None
    words = list(re.finditer(r"\S+", street.group("street")))[:-1]  # the number is the last
    for i in range(len(words)):  # the longest run of name words before the number
        # its first word capitalised where the text has capitals; a type word after it may be
        # in lower case, as many languages write it (`Nelgi park`, `Névtelen köz`)
        if (
            _words_ok([words[i].group(0)], titled)
            and _words_ok([w.group(0) for w in words[i + 1 :]], titled=False)
            and not (short and words[i].group(0).lower() in english)
        ):
            return _Block(street.start("street") + words[i].start(), town_end, True)
    return None
