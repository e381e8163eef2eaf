"""Places the NER model misses in Title Case: form fields, gazetteer towns after a cue, town shapes.

The small English model knows big cities; it misses `Karlskoga`, `Soest`,
`Hoyerswerda`, and reads `Country: Sweden` on a form as nothing. Here:

- the value of a form field that holds a place (`City:`, `Country:`,
  `Place of birth:`) up to the end of its line;
- a Title Case name from the gazetteer after a locative cue (`in Soest`,
  `from Karlskoga`, `reached Pécs`) or before a word for a place of business
  (`Kőszeg branch`), in a list with such a place (`covers Siófok, Keszthely
  and Tihany`), and countries and multi-word places anywhere;
- names shaped like towns (`Lake Eleanorshire`, `North Benjaminside`,
  `Blairfurt`, `Marty-sur-Briand`): a direction or `Lake`/`Port`/`Saint`
  before a word that is no English word, a town ending (`-ville`, `-furt`,
  `-shire`, ...) on a word that is neither English nor a listed name, or the
  French `-sur-` and `-les-` joins.
"""

from __future__ import annotations

import re

from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import WORD, PlaceKey, PlaceNames
from modelgw.trust.recognizers.base import RegexRecognizer
from modelgw.trust.recognizers.places_by_case import Candidate, _cued, _longest_name, in_lists

_FIELD = re.compile(
    r"(?im)^[ \t]*(?:city|town|village|country|place of birth|birthplace|location|county"
    r"|province|region|state|ort|stadt|ville|ciudad|città|cidade|miasto)[ \t]*:[ \t]*"
    r"(?P<value>[^\W\d_][^\n\d@:]{0,60}?)[ \t]*$"
)
_PREFIXED = re.compile(
    r"\b(?:North|South|East|West|New|Lake|Port|Fort|Mount|Saint|St\.|San|Santa|Bad|Sankt)"
    r"[ \t]+(?P<word>[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*)\b"
    r"|\b(?:north|south|east|west|new|lake|port|fort|mount|saint|san|santa)[ \t]+"
    r"(?P<lower>[a-z]+)\b"
)
_IN_A_PROPER_NAME = re.compile(r"[ \t]+[A-Z]")
_PROPER_BEFORE = re.compile(r"\b[A-Z][\w'\u2019-]*[ \t]+$")
_VERB_FORM = re.compile(r"(?:ing|ed|ly)$")
"""`new billing address`, `east facing`, `lake shaped`: a verb's or adverb's form after `new`,
`east`, `lake` is no town's name (those are nouns: `New Haven`, `East Grinstead`)."""
_ENDING = re.compile(
    r"\b(?:[A-Z][a-z]{2,}|[a-z]{3,})(?:ville|furt|shire|side|burgh|borough|bury|mouth|stad|chester"
    r"|haven|berg|dorf|hausen|heim|stadt|fort|port|town|ton|land|view)\b"
)
_FRENCH_JOIN = re.compile(
    r"\b[^\W\d_]+(?:-(?:sur|sous|les|lès|en|le|la|de|du|aux)-[^\W\d_]+)+(?:-[^\W\d_]+)*"
)


class PlacesInContextRecognizer(RegexRecognizer):
    entity = "LOCATION"
    score = 0.6

    def __init__(self, places: PlaceNames, names: NameLists) -> None:
        super().__init__()
        self._places = places
        self._names = names

    def find(self, text: str) -> list[tuple[int, int]]:
        spans = [m.span("value") for m in _FIELD.finditer(text)]
        spans += self._gazetteer(text)
        spans += self._shapes(text)
        return spans

    def _gazetteer(self, text: str) -> list[tuple[int, int]]:
        candidates: list[Candidate] = []
        last_end = -1
        for word in WORD.finditer(text):
            first = word.group(0)
            if word.start() < last_end or not first[0].isupper() or first.isupper():
                continue
            keys = self._places.starting_with(first.lower())
            if keys is None:
                continue
            found = _longest_name(text, word, keys)
            if found is None:
                continue
            key, end = found
            cued = _cued(text, word.start(), end)
            personal = key[0] in self._names.first or key[0] in self._names.last
            if len(key) == 1 and personal and not cued:
                continue  # `Florence`, `Chester`: a person as often as a town, even in a list
            sure = (
                not self._places.needs_cue(key)
                or cued
                or self._only_a_town(text, word.start(), end, key)
            )
            candidates.append(Candidate(word.start(), end, sure))
            last_end = end
        return [(c.start, c.end) for c in in_lists(text, candidates)]

    def _only_a_town(self, text: str, start: int, end: int, key: PlaceKey) -> bool:
        """A listed town's name that can be nothing else, inside a sentence: `Hörby`.

        No English word, given name or surname, not where any word takes a capital (the start
        of a sentence, a line or a quote), and not beside another capitalised word: then it
        is part of a company's or a title's name (`Anadolu Tekstil`, `Havenbedrijf Rotterdam`).
        """
        names = self._names
        if any(
            w in names.english or w in names.common or w in names.first or w in names.last
            for w in key
        ):
            return False
        before = text[max(0, start - 3) : start].rstrip(" \t")
        if not before or before[-1] in ".!?:\n\"'(\u201c\u2018*-#>":
            return False
        return not _IN_A_PROPER_NAME.match(text, end) and not (
            _PROPER_BEFORE.search(text, max(0, start - 40), start)
        )

    def _shapes(self, text: str) -> list[tuple[int, int]]:
        english, names = self._names.english, self._names
        spans: list[tuple[int, int]] = []
        for m in _PREFIXED.finditer(text):
            word = (m.group("word") or m.group("lower") or "").lower()
            if not word or word in english or _VERB_FORM.search(word):
                continue
            if m.group("lower") and word in names.common:
                continue  # `new store`, `east branch`: an everyday word that is a name too
            spans.append(m.span())
        for m in _ENDING.finditer(text):
            word = m.group(0).lower()
            if word not in english and word not in names.last and word not in names.first:
                spans.append(m.span())
        spans.extend(m.span() for m in _FRENCH_JOIN.finditer(text))
        return spans
