"""The gateway process reads spaCy's stop words without importing spaCy (its memory)."""

from __future__ import annotations

import subprocess
import sys

from spacy.lang.en.stop_words import STOP_WORDS

from modelgw.trust.stop_words import english_stop_words


def test_the_list_is_spacys() -> None:
    assert english_stop_words() == frozenset(STOP_WORDS)


def test_a_gateway_process_plans_detection_without_importing_spacy() -> None:
    # A fresh interpreter: this test process has spaCy loaded already.
    probe = (
        "import sys\n"
        "import modelgw.runtime\n"
        "from modelgw.trust.ner import load_word_lists\n"
        "load_word_lists()\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'spacy', 'thinc'})\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=120)
