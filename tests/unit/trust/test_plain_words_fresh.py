"""The committed list of ordinary words (modelgw/trust/data/plain_words.txt) is what its
generator writes from the name and place gazetteers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modelgw.trust.plain_words import Strength, load_plain_words, plain

ROOT = Path(__file__).resolve().parents[3]


def test_committed_plain_words_file_is_fresh() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "genplainwords.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_names_places_numbers_and_address_words_are_never_plain() -> None:
    words = load_plain_words()
    for word in ("John", "smith", "Berlin", "street", "Avenue", "415", "a@b", "dot", "seven", "a"):
        assert not plain(word, words), word
    for word in ("the", "invoice,", "Shipped", "(today)", "refund."):
        assert plain(word, words), word


def test_proper_nouns_among_frequent_words_are_never_ordinary() -> None:
    """wordfreq's frequent words hold towns and names (`duluth`, `rhys`); the dictionary
    filter keeps them out, or `moving from Duluth` would be released unscanned."""
    words = load_plain_words()
    for word in ("Duluth", "rhys", "sicily", "hamish"):
        assert words.strength(word) is Strength.NONE, word


def test_a_cut_may_border_a_weak_word_but_never_falls_between_two() -> None:
    words = load_plain_words()
    assert words.strength("look") is Strength.WEAK  # a surname, far more often a verb
    assert words.strength("office") is Strength.WEAK
    assert words.cuttable("look", "steady")
    assert words.cuttable("the", "look")
    assert not words.cuttable("look", "office")  # `Mark | Little`: two name-words stay together
    assert not words.cuttable("a", "...")  # an article and bare punctuation are weak too
    assert not words.cuttable("D", "the")  # other single letters may be a spaced-out value
    assert not words.cuttable("Smith", "said")


def test_only_inert_words_skip_the_scan() -> None:
    words = load_plain_words()
    assert all(words.inert(w) for w in ("the", "invoice,", "a", "I", "...", "("))
    assert not any(words.inert(w) for w in ("look", "office", "Smith", "D", "415", "-"))
