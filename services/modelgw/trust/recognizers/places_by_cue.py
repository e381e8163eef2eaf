# ruff: noqa: SIM905  (word lists read best as words)
"""Places no gazetteer lists, found after words that can only lead to a place.

A village, a district or a town's local spelling (`Górno`, `Huérguina`,
`tse-agberagba`) is in no list of manageable size. The sentence says it is
a place: `moving from X to Y`, `relocated to X`, `delivery to X`, `joined
remotely from X`, `our office near X`, `Na Budech 936 in X`, `the pilot in
X`, `they were in X at the time`, `the X depot`, `used from 203.0.113.9
(X)`, `on-site team for X:`, `flies to X`, a dateline (`X, 12 March`), a team and
town in brackets after a name (`(sales, X)`), a signature's job title and town
(`Account manager, X`), the town an address is not in (`the address is ..., not X.`).
What follows such a cue is read as a place when its words
are neither ordinary English words nor given names (`moved to Sarah` is not a move
to a town), in any case.
"""

from __future__ import annotations

import re

from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import PlaceNames
from modelgw.trust.recognizers.base import RegexRecognizer

_W = r"(?:['\u2019]s-)?[^\W\d_](?:[^\W\d_]|['\u2019](?=[^\W\d_])|-(?=[^\W\d_]))*"
"""A word of a place's name; Dutch names may begin with `'s-` (`'s-Hertogenbosch`)."""
_PARTICLE = (
    r"(?:de|da|do|dos|das|del|della|di|du|des|la|le|les|el|of|on|upon|am|im|an|der|d'|l'"
    r"|op|aan|en|bij|ter|ten|den|y|e|sur|sous|lès|sul|nad|na|pod|pri|u)"
)
"""The small words inside a place's name: Romance, Dutch (`Bergen op Zoom`), Spanish (`San
Pedro y San Pablo`), Czech and Slovak (`Ústí nad Labem`, `Nové Město na Moravě`)."""
_PLACE = rf"(?P<place>{_W}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_W}){{0,3}})"
_MOVES = (
    r"moving|moved|move|relocating|relocated|relocate|relocation(?:[ \t]+request)?|transferred"
    r"|transferring|travelling|traveling|travelled|traveled|flying|flew|driving|drove|shipped"
    r"|shipping|delivered|delivering|delivery|deliveries|sent|posted|went|going|returned"
    r"|returning|commuting|remotely|dispatched|fly|flies|flight|flights|trip|travel|travels"
    r"|heading|heads|commute|commutes"
)
_CUES = CaselessPattern(
    rf"(?:\b(?:{_MOVES})[ \t]+(?:back[ \t]+)?(?:from|to)"
    r"|\b(?:based|located|living|lives|live|born|staying|stationed|were|was|are|is)[ \t]+in"
    r"|\b(?:pilot|team|office|branch|site|store|warehouse|plant|depot|hub|clinic|event"
    r"|conference|workshop|offices|teams)[ \t]+(?:in|at)"
    r"|\b(?:near|outside|close[ \t]+to)"  # `our office near Kolind`
    r")"
    r"(?:[ \t]+(?P<the>the))?"
    rf"[ \t]+{_PLACE}"
)
_TO_THE = CaselessPattern(rf"\b(?P<the>the|our|your|their)[ \t]+{_PLACE}")
"""`to the Hokkaidō office`, `confirm the Doksy depot has`, `from our Grandson location`: with
the word for a branch or a sales region after it (see `_AFTER_THE`)."""
_AFTER_THE = re.compile(
    r"(?i)[ \t]+(?:office|offices|branch|site|store|warehouse|plant|depot|factory|showroom"
    r"|clinic|hub|dealership|outlet|location|region|territory)\b"
)
_TEAM_AFTER = re.compile(r"(?i)[ \t]+(?:team|teams)\b")
_PREPOSITION_BEFORE = re.compile(r"(?i)\b(?:to|from|at|in|with)[ \t]+$")
"""`from the Kolind team`: a team is a place's only after a preposition (`the Jira team`)."""
_NUMBER_IN = re.compile(
    rf"(?i)(?P<street>{_W})[ \t]+\d{{1,5}}[A-Za-z]?[ \t]+in(?P<the>)[ \t]+{_PLACE}"
)
"""A street and its number, then the town: `visit Na Budech 936 in Černovice` (the word before
the number must be a name's, not `and 2 in Zendesk` or `Room 12 in`)."""
_FROM_TO = re.compile(rf"(?i)\bfrom[ \t]+{_W}(?:[ \t]+{_W}){{0,2}}[ \t]+to[ \t]+{_PLACE}")
_AFTER_IP = re.compile(
    rf"(?:\d{{1,3}}(?:\.\d{{1,3}}){{3}}|[0-9A-Fa-f:]{{3,39}}:[0-9A-Fa-f]{{1,4}})[ \t]*\([ \t]*"
    rf"{_PLACE}[ \t]*\)"
)
_TEAM_FOR = CaselessPattern(
    rf"\b(?:team|volunteers|crew|staff|attendees|rota)[ \t]+(?:for|at|in)[ \t]+{_PLACE}[ \t]*:"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATELINE = re.compile(
    rf"(?im)^[ \t]*{_PLACE},[ \t]+(?:\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:{_MONTHS})\b"
    rf"|(?:{_MONTHS})\.?[ \t]+\d{{1,2}}\b|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})"
)
"""A dateline: a place, a comma and a date at a line's start (`Sydals, 12 March - ...`)."""
_PAREN_AFTER_ROLE = re.compile(rf"\((?:[^\W\d_]+[ \t]?){{1,3}},[ \t]*{_PLACE}[ \t]*\)(?P<the>)")
"""A person's team and town in brackets after their name: `Eulah Santiago (sales, Wantage)`."""
_ROLES = (
    r"manager|director|engineer|officer|specialist|lead|head|consultant|representative|rep"
    r"|coordinator|assistant|advisor|adviser|analyst|partner|associate|executive|agent"
    r"|administrator|accountant|supervisor|technician|planner|buyer|owner|founder|president"
)
_ROLE_LINE = re.compile(
    rf"(?im)^[ \t]*(?:[^\W\d_]+[ \t]+){{0,3}}(?:{_ROLES}),[ \t]*{_PLACE}[ \t]*$(?P<the>)"
)
"""A signature's line of job title and town: `Account manager, Wadebridge`."""
_NOT_THERE = CaselessPattern(
    rf"\baddress\b[^.\n]{{0,120}},[ \t]+not[ \t]+{_PLACE}(?=[ \t]*(?:[.;!?,\n]|$))"
)
"""A correction of where someone is: the town an address is not in ends the clause (`the
address on file is Via Roma 365, 32281 Lequio Tanaro, not Zoccorino-Vergo.`)."""
_WHOLE = frozenset([_PAREN_AFTER_ROLE, _ROLE_LINE])
"""Patterns whose place must be a listed one and all that stands there (see `_whole_known`)."""
_NEEDS: dict[re.Pattern[str] | CaselessPattern, re.Pattern[str]] = {
    _PAREN_AFTER_ROLE: re.compile(r"\([^)\n]{0,40},"),
    _ROLE_LINE: re.compile(r"(?i)(?:" + _ROLES + r"),"),
    _DATELINE: re.compile(r",[ \t]+\d|(?i:,[ \t]+(?:" + _MONTHS + r"))"),
    _FROM_TO: re.compile(r"(?i)from"),
    _NUMBER_IN: re.compile(r"\d[A-Za-z]?[ \t]+(?i:in)\b"),
    _AFTER_IP: re.compile(r"\("),
    _TEAM_FOR: re.compile(":"),
    _NOT_THERE: re.compile(r"(?i),[ \t]+not[ \t]"),
}
"""What every match of a pattern holds, looked for first: most texts hold none of them."""
_STOP = frozenset(
    "the a an my our your their his her its this that these those all any some next last new "
    "same other each every".split()
)


class PlacesByCueRecognizer(RegexRecognizer):
    entity = "LOCATION"
    score = 0.5

    def __init__(self, places: PlaceNames, names: NameLists) -> None:
        super().__init__()
        self._places = places
        self._names = names

    def find(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for pattern in (
            _CUES,
            _TO_THE,
            _FROM_TO,
            _NUMBER_IN,
            _AFTER_IP,
            _TEAM_FOR,
            _DATELINE,
            _PAREN_AFTER_ROLE,
            _ROLE_LINE,
            _NOT_THERE,
        ):
            needed = _NEEDS.get(pattern)
            if needed is not None and not needed.search(text):
                continue
            pos = 0
            while (m := pattern.search(text, pos)) is not None:
                # where this cue leads nowhere, another may begin inside what it read (`moved
                # to our office near Kolind`), so the search goes on from its place's start
                pos = max(m.start("place"), m.start() + 1)
                # `m` may be over the text lower-cased (`CaselessPattern`): words from `text`
                the = "the" in m.re.groupindex and bool(m.group("the"))
                if "street" in m.re.groupindex and not self._street_word(_group(text, m, "street")):
                    continue
                span = self._place(text, m.start("place"), _group(text, m, "place"), after_the=the)
                if span and m.re in _WHOLE and not self._whole_known(text, span, m.end("place")):
                    continue
                if span:
                    spans.append(span)
                    pos = span[1]
        return spans

    def _place(
        self, text: str, start: int, phrase: str, *, after_the: bool
    ) -> tuple[int, int] | None:
        """The longest start of `phrase` whose words may all be a place's, or None."""
        words = list(re.finditer(r"\S+", phrase))
        known = 0
        for n in range(len(words), 0, -1):  # a known place first: `Isle of Wight`, `A Coruña`
            name = phrase[: words[n - 1].end()]
            if self._known(name):
                known = len(name)
                break
        keep = 0
        for i, w in enumerate(words):
            if not self._place_word(w.group(0), first=i == 0):
                break
            keep = i + 1
        while keep and re.fullmatch(_PARTICLE, words[keep - 1].group(0), re.IGNORECASE):
            keep -= 1
        if known and (not keep or words[keep - 1].end() <= known):
            end = start + known  # a known name, unless a longer one goes on past it
            # (`Nové Město na Moravě`, where `Nové Město` is a town of its own)
        elif keep:
            end = start + words[keep - 1].end()
        else:
            return None
        if after_the and not (
            _AFTER_THE.match(text, end)
            or (
                _TEAM_AFTER.match(text, end)
                and _PREPOSITION_BEFORE.search(text, max(0, start - 12), max(0, start - 4))
            )
        ):
            return None  # `to the X` counts only as `to the X office`
        return start, end

    def _whole_known(self, text: str, span: tuple[int, int], end: int) -> bool:
        """A listed place that is all that stands there: a bracket or a signature's line holds
        teams and titles as often (`(support, billing)`, `(davis, washington and smith)`)."""
        return span[1] == end and self._known(text[span[0] : span[1]])

    def _known(self, name: str) -> bool:
        """A place the gazetteer lists, as written or in Title Case. The gazetteer looks names
        up by their lower-cased words, which Title Case leaves as they are in ASCII: there the
        second lookup (half of this recognizer's time) could only repeat the first."""
        places = self._places
        return name in places or (not name.isascii() and name.title() in places)

    def _street_word(self, word: str) -> bool:
        """A word that may end a street's name: no English word (`and`, `room`, `version`)."""
        lower = word.lower()
        return lower not in self._names.english and lower not in self._names.common

    def _place_word(self, word: str, *, first: bool) -> bool:
        lower = re.sub(r"['\u2019]s$", "", word.lower())
        names = self._names
        if re.fullmatch(_PARTICLE, lower):
            return not first
        if lower in _STOP or len(lower) < 2:
            return False
        if self._known(word):
            return True
        if lower in names.english or lower in names.common:
            return False
        return not (first and lower in names.first and lower not in names.last)


def _group(text: str, match: re.Match[str], name: str) -> str:
    """A group of `match` as `text` writes it."""
    return text[match.start(name) : match.end(name)]
