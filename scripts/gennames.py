# ruff: noqa: RUF002  (the names are the point)
"""Write services/modelgw/trust/data/names.txt: first and last names of many countries.

The US census lists of the `names` package know `jennifer young` but not
`Łukasz Wiśniewski`, `Sigríður Jónsdóttir` or `Ayşe Yılmaz`. This gazetteer
adds the given names and surnames that `mimesis` ships for its Latin-script
locales (a fake-data generator other than the Faker that builds the
evaluation set, so the set still tests names nobody here listed), and the most
frequent given names and surnames of each of the 105 countries in
`names-dataset` (drawn from public profiles: Nigerian, Indian, Japanese,
Turkish, Welsh names that no fake-data locale lists). Names that
are everyday English words as well (`will`, `summer`, `best`) are marked
`[common]` by their `wordfreq` frequency: the recognizers never take one of
those for a name on its own. `[english]` lists the most frequent English words
that are no name: after a first name, a word that is neither a known surname
nor one of those is read as a surname (`dorit heintze`, not `anna said`). One
script serves writing and `--check` (used by a test); `mimesis` and `wordfreq`
are dev dependencies, the gateway reads only the committed file.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata, resources
from pathlib import Path

from modelgw.trust.data_file import write_or_check
from modelgw.trust.name_lists import DATA_FILE, fold_accents, render
from modelgw.trust.place_names import load_place_names

PACKAGE = Path(__file__).resolve().parent.parent / "services" / "modelgw"
OUTPUT = PACKAGE / "trust" / "data" / DATA_FILE
COMMON_ZIPF = 4.3
"""A name this frequent as an English word (Zipf scale; `grant` 4.7, `iris` 3.8) is common."""
KEEP_COMMON_NAMES = 600
ENGLISH_WORDS = 40_000
"""How many of the most frequent English words `[english]` holds (before names are removed)."""
"""The census's most frequent given names are names first (`john`, `mary`), however frequent."""
DATASET_FIRST_RANK = 2_000
DATASET_LAST_RANK = 3_000
"""From `names-dataset`, the names ranked this high in at least one country (its data is
noisier further down: nicknames, words, typing errors)."""
DATASET_MAX_ZIPF = 3.0
"""A `names-dataset` name this frequent as an English word (`ability`, `agreement`: words
people typed into a name field) is left out unless another source lists it."""
DATASET_MAX_ZIPF_ELSEWHERE = 4.5
DATASET_TOP_RANK = 100
DATASET_TOP_MAX_ZIPF = 3.5
"""A name among the 100 most frequent of a country is kept while it is rarer than this as a
word of English and of `DATASET_WORD_LANGUAGES` (`arjun`, `reddy`, `sharma`, `liang`: frequent
in English text because they are names; a dictionary lists `arjun`, a tree, and so made it an
English word), unless the gazetteer knows it as a place (`oman`, `doha`: the dataset's noise)."""
DATASET_WORD_LANGUAGES = ("es", "pt", "fr", "de", "it")
"""The same for frequent words of these languages (`grupo`, `banca`), which business text
quotes in company names and addresses."""


def _latin(word: str) -> bool:
    return all((c.isalpha() and ord(c) < 0x250) or c in "'-" for c in word)


def _mimesis_names() -> tuple[set[str], set[str]]:
    root = resources.files("mimesis") / "datasets"
    first: set[str] = set()
    last: set[str] = set()
    locales = sorted(p.name for p in root.iterdir() if (root / p.name / "person.json").is_file())
    for locale in locales:
        data = json.loads((root / locale / "person.json").read_text(encoding="utf-8"))
        for group, bucket in ((data.get("names", {}), first), (data.get("surnames", {}), last)):
            values = group.values() if isinstance(group, dict) else [group]
            for names in values:
                for name in names:
                    for part in name.lower().split():
                        if len(part) > 1 and _latin(part):
                            bucket.add(part)
    return first, last


def _dataset_names() -> tuple[set[str], set[str]]:
    """The top given names and surnames of every country in `names-dataset`, lower-cased.

    Single Latin-script words of three letters or more only: two-letter entries and
    hyphenated ones are mostly initials and noise there; the recognizers read a hyphenated
    name part by part anyway.
    """
    import gzip
    import pickle

    from wordfreq import zipf_frequency

    def word_like(lower: str) -> bool:
        return (
            zipf_frequency(lower, "en") >= DATASET_MAX_ZIPF
            or max(zipf_frequency(lower, lang) for lang in DATASET_WORD_LANGUAGES)
            >= DATASET_MAX_ZIPF_ELSEWHERE
        )

    def top_name(lower: str) -> bool:
        return (
            max(zipf_frequency(lower, lang) for lang in ("en", *DATASET_WORD_LANGUAGES))
            < DATASET_TOP_MAX_ZIPF
            and lower not in places
            and any(c in "aeiouy" for c in fold_accents(lower))  # `bsc`, `hms`: abbreviations
        )

    places = load_place_names()
    root = resources.files("names_dataset") / "v3"
    picked: list[set[str]] = []
    for name, limit in (("first_names", DATASET_FIRST_RANK), ("last_names", DATASET_LAST_RANK)):
        with (root / f"{name}.pkl.gz").open("rb") as packed:
            table = pickle.loads(gzip.decompress(packed.read()))  # noqa: S301  (the package's own data)
        words: set[str] = set()
        for word, info in table.items():
            ranks = info.get("rank") or {}
            lower = word.lower()
            if not ranks or min(ranks.values()) > limit or len(lower) < 3:
                continue
            top = min(ranks.values()) <= DATASET_TOP_RANK
            if not (_latin(lower) and lower.isalpha()):
                continue
            if not word_like(lower) or (top and top_name(lower)):
                words.add(lower)
        picked.append(words)
    return picked[0], picked[1]


def _census_top(count: int) -> set[str]:
    top: set[str] = set()
    for name in ("dist.male.first", "dist.female.first"):
        with (resources.files("names") / name).open(encoding="utf-8") as lines:
            for rank, line in enumerate(lines):
                if rank >= count:
                    break
                top.add(line.split(" ", 1)[0].lower())
    return top


def generate() -> str:
    from wordfreq import top_n_list, zipf_frequency

    from modelgw.trust.word_dictionary import in_dictionary

    first, last = _mimesis_names()
    dataset_first, dataset_last = _dataset_names()
    first |= dataset_first
    last |= dataset_last
    keep = _census_top(KEEP_COMMON_NAMES)
    common = {w for w in first | last if w not in keep and zipf_frequency(w, "en") >= COMMON_ZIPF}
    source = (
        f"mimesis {metadata.version('mimesis')}, "
        f"names-dataset {metadata.version('names-dataset')}, names {metadata.version('names')}, "
        f"wordfreq {metadata.version('wordfreq')}"
    )
    names = first | last | _census_top(100_000)
    # wordfreq's frequent words hold names too (`rhys`, `fergus`, `reddy`): a word is
    # English only if a dictionary lists it in lower case (`word_dictionary`).
    english = {
        w
        for w in top_n_list("en", ENGLISH_WORDS)
        if w.isalpha() and w.isascii() and w not in names and in_dictionary(w)
    }
    return render(sorted(first), sorted(last), sorted(common), sorted(english), source)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    text = generate()
    return write_or_check(OUTPUT, text, "gennames.py", check=args.check)


if __name__ == "__main__":
    sys.exit(main())
