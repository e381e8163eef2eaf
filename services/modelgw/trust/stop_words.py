"""spaCy's English stop words, read without importing spaCy.

The gateway process plans detection (which windows go to the model, which capitalised
words start no name) and needs only this word list; the model runs in the detector
processes. Importing `spacy` for the list cost every gateway process about 50 MiB of
resident memory and most of a second at start (issue 19's RSS target). The list's module
is plain Python with no imports, so it is loaded from spaCy's installed files on its own.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

CONTRACTION = re.compile(r"['\u2019](?:t|s|ll|re|ve|d|m)$")
"""The end of an English contraction (`couldn't`, `she'll`): a verb or a pronoun, never a name
or a street (`O'Brien`, `'s-Hertogenbosch` end otherwise); no stop-word list holds them all."""


@cache
def english_stop_words() -> frozenset[str]:
    """The words of `spacy.lang.en.stop_words.STOP_WORDS`, as installed."""
    return stop_words("en")


FOREIGN_LANGUAGES = ("de", "fr", "es", "pt", "it", "nl", "pl", "tr", "sv", "da", "nb", "cs", "ro")
"""The languages whose function words `foreign_stop_words` gathers: those of the business
text the gateway sees most after English, whose greetings and sign-offs (`Beni şu
numaradan ...`) the English model reads as names."""


@cache
def foreign_stop_words() -> frozenset[str]:
    """Stop words of `FOREIGN_LANGUAGES` that are no English stop word."""
    words: set[str] = set()
    for language in FOREIGN_LANGUAGES:
        words |= stop_words(language)
    return frozenset(words - english_stop_words())


def stop_words(language: str) -> frozenset[str]:
    """The words of `spacy.lang.<language>.stop_words.STOP_WORDS`, as installed (each of
    these modules is plain Python: nothing of spaCy is imported)."""
    package = importlib.util.find_spec("spacy")  # finds the package without importing it
    if package is None or package.origin is None:
        raise ModuleNotFoundError("spaCy is not installed (the trust layer needs it)")
    path = Path(package.origin).parent / "lang" / language / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"modelgw_spacy_{language}_stop_words", path)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"cannot load spaCy's {language} stop words from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)
