"""First and last names from the US census lists shipped in the `names` package.

The spaCy model finds names by their capital letters; people type names in
lower case or ALL CAPS too. A name list catches those. Words that are also
common English words (`will`, `mark`, `may`) are left out so ordinary
sentences are not masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

# Names that are far more often ordinary words in business text.
_OTHER_COMMON_WORDS = frozenset(
    [
        "will",
        "bill",
        "mark",
        "may",
        "june",
        "april",
        "august",
        "grant",
        "frank",
        "rose",
        "hope",
        "faith",
        "joy",
        "art",
        "chase",
        "dawn",
        "don",
        "pat",
        "rich",
        "sue",
        "ray",
        "jack",
        "jean",
        "carol",
        "gene",
        "guy",
        "lane",
        "dean",
        "bob",
        "rob",
        "pierce",
        "drew",
        "miles",
        "page",
        "bay",
        "case",
        "long",
        "west",
        "east",
        "north",
        "south",
        "love",
        "law",
        "story",
        "day",
        "sun",
        "ocean",
        "star",
        "summer",
        "winter",
        "autumn",
        "spring",
        "lord",
        "judge",
        "major",
        "sterling",
        "cash",
        "penny",
        "tory",
        "christian",
        "see",
        "new",
        "car",
        "cars",
        "sale",
        "sales",
        "rule",
        "service",
        "state",
        "page",
        "field",
        "best",
        "bank",
        "banks",
        "mobile",
        "office",
        "court",
        "street",
        "road",
        "city",
        "park",
        "church",
        "house",
        "money",
        "chance",
        "major",
        "minor",
    ]
)

# Common words that are also common surnames and rarely follow a first name as anything
# else: `jennifer young`, `kevin white`. They count as last names (a first name must come
# before them); never as first names.
SURNAME_WORDS = frozenset(
    [
        "young",
        "white",
        "brown",
        "green",
        "black",
        "gray",
        "grey",
        "wood",
        "hill",
        "price",
        "rice",
        "cook",
        "bell",
        "ward",
        "stone",
        "king",
        "hall",
        "baker",
        "hunter",
        "lee",
        "fox",
    ]
)

COMMON_WORDS = _OTHER_COMMON_WORDS | SURNAME_WORDS
"""Names far more often ordinary words in business text: never first names; last names only
if in `SURNAME_WORDS`."""


@dataclass(frozen=True, slots=True)
class NameLists:
    first: frozenset[str]
    last: frozenset[str]

    @classmethod
    def load(cls, *, max_last_rank: int = 25_000) -> NameLists:
        """Read the lists (lower-cased) from the installed `names` package; no network."""
        package = resources.files("names")

        def read(name: str, limit: int | None = None) -> set[str]:
            words: set[str] = set()
            with (package / name).open(encoding="utf-8") as lines:
                for rank, line in enumerate(lines):
                    if limit is not None and rank >= limit:
                        break
                    word = line.split(" ", 1)[0].strip().lower()
                    if len(word) > 1:
                        words.add(word)
            return words

        excluded = COMMON_WORDS | {w.lower() for w in STOP_WORDS}
        first = (read("dist.male.first") | read("dist.female.first")) - excluded
        last = read("dist.all.last", max_last_rank) - (excluded - SURNAME_WORDS)
        return cls(frozenset(first), frozenset(last))
