"""Words that cannot be part of personal data, so an answer may be released at them early.

Streaming an answer with response scanning used to hold everything back until
the model ended a sentence. Most words of an answer are ordinary English
words (`the`, `invoice`, `shipped`); a value the scanner must catch (a name,
a place, a number, an e-mail, an address) has at least one word that is not
(`Smith`, `berlin`, `415`, `@`, `street`). Between two ordinary words no such
value can run across, so the answer may be cut there and released at once.

`plain` answers "ordinary": a frequent English word, no name, place, street
or unit word, no number word, no letters other than a word's (so no digits,
`@` or dots inside). The list is committed as `data/plain_words.txt`, written
by `scripts/genplainwords.py` from the name and place gazetteers, so a gateway
process reads one small file instead of loading the detector's lists (and
spaCy) to decide where it may cut.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

DATA_FILE = "plain_words.txt"
_EDGE_PUNCTUATION = "\"'()[]{}.,;:!?\u201c\u201d\u2018\u2019"


@lru_cache(maxsize=1)
def load_plain_words() -> frozenset[str]:
    """The committed list, read once per process on first use (an immutable table)."""
    text = (resources.files("modelgw.trust") / "data" / DATA_FILE).read_text(encoding="utf-8")
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


def plain(word: str, words: frozenset[str]) -> bool:
    """Whether `word` (as written, punctuation around it allowed) is an ordinary word."""
    core = word.strip(_EDGE_PUNCTUATION)
    if not core or not core.isalpha():
        return not core and bool(word)  # bare punctuation (`-`, `...`) is plain too
    # A single letter may be a spaced-out value (`D E 8 9 ...`): never plain.
    return len(core) > 1 and core.lower() in words


def render(words: set[str], source: str) -> str:
    header = f"# Ordinary English words no personal data is made of; from {source}.\n"
    return header + "".join(f"{w}\n" for w in sorted(words))
