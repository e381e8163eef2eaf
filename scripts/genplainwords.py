# ruff: noqa: SIM905  (word lists read best as words)
"""Write services/modelgw/trust/data/plain_words.txt (see `modelgw.trust.plain_words`).

Plain: the frequent English words of the name gazetteer, less every word that
is a given name, a surname or the first word of a place (unless a stop word), a
street, unit or address word, a number word, or a word that spells out an
e-mail (`at`, `dot`). Weak: the very frequent English words that are names
too (`look`, `held`, `will`), less the census's most frequent surnames and
the same place, address, number and cue words. Both keep only words a
dictionary lists in lower case (`modelgw.trust.word_dictionary`): wordfreq's
frequent words hold proper nouns too (`duluth`, `rhys`, `sicily`), which must
never count as ordinary. One
script serves writing and `--check` (used by a test), so the committed list
and its sources cannot drift apart unnoticed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modelgw.trust import address_words
from modelgw.trust.data_file import write_or_check
from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import load_place_names
from modelgw.trust.plain_words import DATA_FILE, render
from modelgw.trust.word_dictionary import in_dictionary

PACKAGE = Path(__file__).resolve().parent.parent / "services" / "modelgw"
OUTPUT = PACKAGE / "trust" / "data" / DATA_FILE

SPELLED = set(
    "zero oh o one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred thousand million double triple at dot dash hyphen "
    "underscore plus point period comma slash".split()
)
"""Words that spell out digits, e-mails and phone numbers (`john dot smith at example`)."""
CUES = set(
    "postal code zip postcode post plz cep cap call phone tel telephone mobile cell fax "
    "extension ext iban account card ssn born birth begin end private public key rsa dsa "
    "ec openssh pgp certificate encrypted password passwd pwd secret token bearer api "
    "apikey authorization credentials".split()
)
"""Words recognizers read as the cue before a value: a cut must not part them from it."""
WEAK_ZIPF = 4.3
"""A name is a weak word only if it is this frequent as an English word (`look` 5.8, `pace`
4.4; `appleton` 3.1 and `aldridge` 3.0 are names first), and not a census top surname."""


def _address_words() -> set[str]:
    words: set[str] = set()
    for name in dir(address_words):
        value = getattr(address_words, name)
        items = value if isinstance(value, (frozenset, tuple, set)) else ()
        for item in items:
            if isinstance(item, str):
                words.update(w.lower() for w in item.replace(".", " ").split() if w.isalpha())
    return words


def generate() -> str:
    from spacy.lang.en.stop_words import STOP_WORDS
    from wordfreq import zipf_frequency

    names = NameLists.load()
    places = load_place_names()
    # A stop word is never a value on its own (`the`, `to`, `a` begin place names and are
    # listed surnames): between two of them nothing can be cut through.
    named = names.first | names.last | names.common | places.first_words()
    taken = (named - {w.lower() for w in STOP_WORDS}) | _address_words() | SPELLED | CUES
    words = {w for w in names.english if w.isalpha() and w == w.lower()} - taken
    # Words as often as names: `Mark | Little` is never cut (both weak), `look | steady` is.
    unsafe = places.first_words() | _address_words() | SPELLED | CUES
    worded = {
        w
        for w in names.english | names.common
        if w.isalpha() and w == w.lower() and zipf_frequency(w, "en") >= WEAK_ZIPF
    }
    weak = (worded & named) - unsafe - names.first - names.usual_last - words
    words = {w for w in words if in_dictionary(w)}
    weak = {w for w in weak if in_dictionary(w)}
    return render(
        words,
        weak,
        "the name gazetteer's English words found in Webster's Second, less names, places "
        "and numbers",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = parser.parse_args()
    text = generate()
    return write_or_check(OUTPUT, text, "genplainwords.py", check=args.check)


if __name__ == "__main__":
    sys.exit(main())
