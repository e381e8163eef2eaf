"""Words that cannot be part of personal data, so an answer may be released at them early.

Streaming an answer with response scanning used to hold everything back until
the model ended a sentence. Most words of an answer are ordinary English
words (`the`, `invoice`, `shipped`); a value the scanner must catch (a name,
a place, a number, an e-mail, an address) has at least one word that is not
(`Smith`, `berlin`, `415`, `@`, `street`). Between two ordinary words no such
value can run across, so the answer may be cut there and released at once.

Words come in two strengths. A *plain* word (`invoice`) is a frequent English
word that no gazetteer lists as a name, place, street, unit or number word: a
segment of plain words only holds no value and skips detection. A *weak* word
is a frequent English word that is also a name (`look`, `held`, `pace`, `will`),
the words `a` and `I`, or bare punctuation (`...`): it may border a cut, so a
stream is not held back at every one of them, but never on both sides of it
(`Mark | Little` stays together) and a segment holding one is still scanned.
Words that begin place names (`little` of Little Rock), street, unit, number
and cue words, and everything not alphabetic stay neither: no cut next to them.

A plain word that is also an English stop word (`the`, `your`, `to`) is a
*lead* word: it begins no value that goes on in lower case, so a cut after it
needs only the first letter of the next word, when that is a lower-case one
(`The| numbers`, where `numbers` is no plain word). An answer that opens with
one leaves after its second token, not after its third or fourth.

The lists are committed as `data/plain_words.txt`, written by
`scripts/genplainwords.py` from the name and place gazetteers, so a gateway
process reads one small file instead of loading the detector's lists (and
spaCy) to decide where it may cut.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from modelgw.trust.data_file import parse_sections
from modelgw.trust.stop_words import english_stop_words

DATA_FILE = "plain_words.txt"
_EDGE_PUNCTUATION = "\"'()[]{}.,;:!?\u201c\u201d\u2018\u2019"
_WEAK_LETTERS = frozenset({"a", "i"})
"""Single letters that are words; any other single letter may be a spaced-out value
(`D E 8 9 ...`) and is never cut next to."""


class Strength(enum.IntEnum):
    NONE = 0
    """May be part of a value: never cut next to it."""
    WEAK = 1
    """A word or a name: may border a cut, not on both sides; scanned."""
    PLAIN = 2
    """No value is made of it: may border a cut, and a segment of these is not scanned."""


STREET_HEADS = frozenset({"first", "third", "front", "top", "side", "back"})
"""Stop words that begin street names (`front street`, `back lane`): never lead words."""

MEMO_WORDS = 50_000
"""Words whose traits a process remembers before it starts over (answers repeat words)."""


class Traits(NamedTuple):
    """What the cutting of an answer needs to know of one word, as written."""

    strength: Strength
    """How it may border a cut."""
    lead: bool
    """A lead word (`The`, `your`): a plain stop word, see `PlainWords.leads`."""
    inert: bool
    """Alone it can be no value: a plain word, an article, punctuation."""


@dataclass(frozen=True, slots=True)
class PlainWords:
    plain: frozenset[str]
    weak: frozenset[str]
    lead: frozenset[str] = frozenset()
    """Plain words that are stop words: a cut after one needs only the next word's first
    letter, when it is lower case (`leads`)."""
    _memo: dict[str, Traits] = field(default_factory=dict, compare=False, hash=False)

    def traits(self, word: str) -> Traits:
        """`word`'s traits (as written, punctuation around it allowed), looked up once."""
        known = self._memo.get(word)
        if known is None:
            if len(self._memo) >= MEMO_WORDS:
                self._memo.clear()
            known = self._memo[word] = self._traits(word)
        return known

    def _traits(self, word: str) -> Traits:
        core = word.strip(_EDGE_PUNCTUATION)
        strength = self._strength(word, core)
        lower = core.lower()
        lead = lower in self.lead and strength is Strength.PLAIN
        if not core or (len(core) == 1 and lower in _WEAK_LETTERS):
            return Traits(strength, lead, bool(word))
        return Traits(strength, lead, strength is Strength.PLAIN)

    def _strength(self, word: str, core: str) -> Strength:
        if not core:
            return Strength.WEAK if word else Strength.NONE  # bare punctuation (`...`, `(`)
        if not core.isalpha():
            return Strength.NONE
        lower = core.lower()
        if len(core) == 1:
            return Strength.WEAK if lower in _WEAK_LETTERS else Strength.NONE
        if lower in self.plain:
            return Strength.PLAIN
        return Strength.WEAK if lower in self.weak else Strength.NONE

    def strength(self, word: str) -> Strength:
        """How `word` may border a cut."""
        return self.traits(word).strength

    def cuttable(self, before: str, after: str) -> bool:
        """Whether an answer may be cut between the words `before` and `after`."""
        return cuttable(self.traits(before).strength, self.traits(after).strength)

    def leads(self, before: str, after: str) -> bool:
        """Whether the answer may be cut between `before` and a word beginning `after`
        (whole or not): `before` is a lead word and `after` begins in lower case. No
        value runs from a stop word on into lower case (`the hague` is the exception
        accepted), so the cut does not wait for `after` to be whole."""
        return bool(after) and after[0].islower() and self.traits(before).lead

    def inert(self, word: str) -> bool:
        """Whether `word` alone can be no value: a plain word, an article, punctuation."""
        return self.traits(word).inert


def cuttable(before: Strength, after: Strength) -> bool:
    """Whether an answer may be cut between two words of these strengths: neither may be
    part of a value, and one is plain."""
    return Strength.NONE not in (before, after) and Strength.PLAIN in (before, after)


@lru_cache(maxsize=1)
def load_plain_words() -> PlainWords:
    """The committed lists, read once per process on first use (immutable tables)."""
    text = (resources.files("modelgw.trust") / "data" / DATA_FILE).read_text(encoding="utf-8")
    sections = parse_sections(text, ("plain", "weak"))
    plain_words = frozenset(sections["plain"])
    lead = (plain_words & english_stop_words()) - STREET_HEADS
    return PlainWords(plain_words, frozenset(sections["weak"]), lead)


def unusual_word(word: str) -> bool:
    """Whether `word` (lower case) may be a name: no English stop word, and neither a plain
    nor a weak word (`Strength.NONE`)."""
    return word not in english_stop_words() and load_plain_words().strength(word) is Strength.NONE


def plain(word: str, words: PlainWords) -> bool:
    """Whether `word` (as written, punctuation around it allowed) is a plain word."""
    return words.strength(word) is Strength.PLAIN


def render(plain_words: set[str], weak_words: set[str], source: str) -> str:
    header = (
        "# Ordinary English words no personal data is made of ([plain]), and ordinary words "
        f"that are also names ([weak]); from {source}.\n"
    )
    return (
        header
        + "[plain]\n"
        + "".join(f"{w}\n" for w in sorted(plain_words))
        + "[weak]\n"
        + "".join(f"{w}\n" for w in sorted(weak_words))
    )
