"""A street with no type word and no postcode, told by the verb before it and the town after it.

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
"""

from __future__ import annotations

import re
from collections.abc import Set

from modelgw.trust import address_parts as part
from modelgw.trust.recognizers.address_shapes import PARTICLES, _Block, _stop_words

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
CUED_STREET = re.compile(
    rf"(?i:{_CUE})[ \t]+(?P<street>(?:{part.NAME_WORD}{part.GAP}){{0,3}}{part.NAME_WORD})"
    rf"[ \t]+(?P<number>\d{{1,5}}[A-Za-z]?)(?:,[ \t]*|[ \t]+(?i:in)[ \t]+)"
    rf"(?P<town>{part.TOWN_WORD}(?:[ \t]+{part.TOWN_WORD}){{0,4}})"
)
_NAME = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
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
