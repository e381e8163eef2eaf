"""The committed list of ordinary words (modelgw/trust/data/plain_words.txt) is what its
generator writes from the name and place gazetteers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modelgw.trust.plain_words import load_plain_words, plain

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
    for word in ("John", "smith", "Berlin", "street", "Avenue", "415", "a@b", "dot", "seven"):
        assert not plain(word, words), word
    for word in ("the", "invoice,", "Shipped", "(today)", "refund."):
        assert plain(word, words), word
