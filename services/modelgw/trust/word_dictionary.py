# ruff: noqa: SIM905  (word lists read best as words)
"""Which words a dictionary lists in lower case: common words, as opposed to proper nouns.

The generators of the committed word lists (`scripts/genplainwords.py`,
`scripts/genplaces.py`, `scripts/gennames.py`) take "frequent English words"
from wordfreq, whose frequency lists hold proper nouns too: `duluth`, `rhys`,
`fergus`, `torino` are frequent because they are names. Counted as ordinary
words, they made a stream release a town unscanned, kept a town out of the
gazetteer and a name out of the name lists. A word is ordinary only if Webster's
Second (the `english-words` package, a dev dependency: the running gateway
reads only the generated files) lists it, or its base form, in lower case.
"""

from __future__ import annotations

from functools import cache

INFLECTIONS = (
    ("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
    ("ing", "e"), ("ly", ""), ("er", ""), ("er", "e"), ("est", ""), ("est", "e"), ("ers", ""),
    ("ings", ""),
)  # fmt: skip
"""Suffixes an inflected word drops (and what it adds back) to reach its dictionary form."""

CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december".split()
)
"""Proper nouns the dictionary writes capitalised that are nobody's personal data."""


@cache
def lower_case_entries() -> frozenset[str]:
    """Webster's Second's lower-case entries: common words, never proper nouns."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"], lower=False, alpha=True)
    return frozenset(w for w in words if w.islower())


def in_dictionary(word: str) -> bool:
    """`word` (lower case) or its base form as an inflection (`shipped` → `ship`) is listed."""
    dictionary = lower_case_entries()
    if word in dictionary or word.removesuffix("s") in CALENDAR:
        return True
    for suffix, ending in INFLECTIONS:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            base = word[: -len(suffix)] + ending
            if base in dictionary:
                return True
            doubled = not ending and len(base) > 2 and base[-1] == base[-2]
            if doubled and base[:-1] in dictionary:
                return True
    return False
