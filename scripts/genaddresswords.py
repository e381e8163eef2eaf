# ruff: noqa: SIM905  (language codes and word lists read best as words)
"""Write services/modelgw/trust/data/address_words.txt from libpostal's address dictionaries.

libpostal (MIT licence) keeps, for some 60 languages, the words that mark a
street (`street_types.txt`, `concatenated_suffixes_*.txt`), a flat or a floor
(`unit_types_numbered.txt`, `level_types_numbered.txt`), a PO box
(`post_office.txt`) and a house number (`number.txt`). These were gathered
from OpenStreetMap's street names, not from any generator this project
evaluates on. Which side of a name a type stands on is not in the files: it
is decided here by language (`PREFIX_LANGUAGES` and the rest).

Words that are everyday English (wordfreq) cannot mark a street in English
text: they are left out (the hand-made lists in `address_words` keep the few
that are types in English too), and a prefix type of three letters or fewer
(`av`, `jl`) is marked ambiguous: it then needs a capitalised name, as
`AMBIGUOUS_PREFIX_TYPES` does. One script serves writing and `--check` (used by a test where the
libpostal repository is at hand); the file's header carries its source commit
and a digest of its body, so a hand edit shows without the source.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from modelgw.trust.address_dictionary import DATA_FILE, SECTIONS, render
from modelgw.trust.data_file import write_or_check

PACKAGE = Path(__file__).resolve().parent.parent / "services" / "modelgw"
OUTPUT = PACKAGE / "trust" / "data" / DATA_FILE
DEFAULT_REPO = "/work/.mirror/openvenues+libpostal/repo"
"""A bare clone of openvenues/libpostal; `--libpostal` or LIBPOSTAL_REPO names another."""

PREFIX_LANGUAGES = frozenset(
    "fr es ca gl ast it pt ro pl ru uk be bg el vi id ms fil ar he fa mt oc br cy ga gd pap"
    " th hi ur si".split()
)
"""The type stands before the name: `rue`, `calle`, `ulica`, `đường`, `jalan`, `heol`."""
AFTER_LANGUAGES = frozenset("hu tr az eu lv lt et ka".split())
"""The type is a word after the name: `Kossuth Lajos utca`, `Brīvības iela`, `Nizami küçəsi`."""
BOTH_LANGUAGES = frozenset("cs sk sr hr bs sl".split())
"""Either side (`náměstí Míru`, `Národní třída`; `Ulica grada Vukovara`, `Savska cesta`)."""
GLUED_LANGUAGES = frozenset("de nl af sv da nb is fi lb gsw".split())
"""Glued to the end of the name (`Lindenstraße`, `Laugavegur`), or a word after it."""
# English types are read number first (`12 Kramer Court`, `ENGLISH_SUFFIXES`); Chinese,
# Japanese and Korean addresses are written without spaces and read by other rules.

COMMON_ZIPF = 3.0
"""An English word at least this frequent (wordfreq's Zipf scale) is an everyday word."""
ENGLISH_TAIL_WORDS = 30_000
"""A glued ending that closes any of the this many most frequent English words is left out
(`land` closes `England`, `gade` `upgrade`): `England 5` must not read as a street."""
MIN_GLUED = 4
MIN_AFTER = 4
MIN_UNIT = 4
NOT_TYPES = frozenset(
    "grosse grosser grosses große großes großser obere oberer oberes untere unterer unteres"
    " heiligen universitaet universitat universität burgermeister forsthaus bahnhof gebouw huset"
    " byen hao hào alle buen tere bide stube trat molo alue kamp rinne".split()
)
"""Words libpostal lists beside the types (the adjectives of `Große Hamburger Straße`, the
words for a station, a house or a town, Chinese pinyin) that name no street on their own, and
types that are everyday words of their own languages (`alle 5` is "at five" in Italian)."""
BOX_HEADS = (
    "post",
    "pošt",
    "box",
    "boks",
    "fach",
    "holf",
    "bus",
    "lokero",
    "laada",
    "lada",
    "låda",
    "fiok",
    "apartado",
    "apdo",
    "aptdo",
    "apartat",
    "caixa",
    "casilla",
    "casella",
    "skrytka",
    "bag",
)
"""A one-word PO box must hold one of these (`postbus`, `postfach`); other single words in
`post_office.txt` (`kast`, `presso`, `surat`) are words or towns far more often."""


def _git(repo: str, *args: str) -> str:
    git = shutil.which("git")
    if git is None:
        raise SystemExit("git is needed to read the libpostal repository")
    done = subprocess.run(  # noqa: S603 (git, on a repository the caller names)
        [git, "-C", repo, *args], capture_output=True, text=True, check=True, encoding="utf-8"
    )
    return done.stdout


def _forms(repo: str, commit: str, language: str, kind: str) -> list[str]:
    """Every spelling on every line of `<language>/<kind>.txt`, lower case, or [] if none."""
    path = f"resources/dictionaries/{language}/{kind}.txt"
    try:
        text = _git(repo, "show", f"{commit}:{path}")
    except subprocess.CalledProcessError:
        return []
    forms: list[str] = []
    for line in text.splitlines():
        for form in line.split("|"):
            form = " ".join(form.strip().lower().split())
            if form and not any(c.isdigit() for c in form) and any(c.isalpha() for c in form):
                forms.append(form)
    return forms


def _letters(form: str) -> int:
    return sum(c.isalpha() for c in form)


def select(
    forms: Callable[[str, str], list[str]],
    languages: Iterable[str],
    is_word: Callable[[str], bool],
    english_words: Iterable[str],
) -> dict[str, list[str]]:
    """The file's sections from `forms(language, kind)`; `is_word` says "everyday English"."""
    out: dict[str, set[str]] = {name: set() for name in SECTIONS}
    tails = [w for w in english_words if w.isalpha()]
    for lang in sorted(languages):
        types = [f for f in forms(lang, "street_types") if " " not in f and f not in NOT_TYPES]
        bare = [f.rstrip(".") for f in types]
        if lang in PREFIX_LANGUAGES or lang in BOTH_LANGUAGES:
            for form in types:
                if _letters(form) < 2 or is_word(form.rstrip(".")) or "." in form.rstrip("."):
                    continue  # `send`, `call`, `and` are types somewhere, words here; a word
                    # is read up to its last dot only (`c.so` is never one word of a text)
                out["prefix" if _letters(form) > 3 else "prefix_ambiguous"].add(form)
        if lang in AFTER_LANGUAGES | BOTH_LANGUAGES | GLUED_LANGUAGES:
            out["after"].update(
                f for f in bare if _letters(f) >= MIN_AFTER and not is_word(f) and "-" not in f
            )
        if lang in GLUED_LANGUAGES:
            glued = bare + [
                f.rstrip(".")
                for kind in ("concatenated_suffixes_separable", "concatenated_suffixes_inseparable")
                for f in forms(lang, kind)
                if " " not in f and f.rstrip(".") not in NOT_TYPES
            ]
            out["glued"].update(
                f
                for f in glued
                if _letters(f) >= MIN_GLUED
                and f.isalpha()
                and not is_word(f)
                and not any(len(t) > len(f) and t.endswith(f) for t in tails)
            )
        for kind in ("unit_types_numbered", "level_types_numbered"):
            out["unit"].update(
                f
                for f in forms(lang, kind)
                if " " not in f and _letters(f) >= MIN_UNIT and not is_word(f.rstrip("."))
            )
        for form in forms(lang, "post_office"):
            words = form.replace(".", " ").split()
            headed = any(head in form for head in BOX_HEADS)
            if len(words) > 1 and any(len(w) >= 3 for w in words):
                plain = all(is_word(w) or len(w) == 1 for w in words)
                if headed or not plain:
                    out["po_box"].add(form)
            elif len(words) == 1 and headed and not is_word(form):
                out["po_box"].add(form)
        out["house_number"].update(
            f
            for f in forms(lang, "number")
            if " " not in f and len(f) >= 3 and not is_word(f.rstrip(".:")) and f not in NOT_TYPES
        )
    return {name: sorted(words) for name, words in out.items()}


def generate(repo: str) -> str:
    from wordfreq import top_n_list, zipf_frequency

    commit = _git(repo, "rev-parse", "HEAD").strip()
    listing = _git(repo, "ls-tree", "-d", "--name-only", f"{commit}:resources/dictionaries")
    languages = [name for name in listing.split() if name != "all"]
    sections = select(
        lambda lang, kind: _forms(repo, commit, lang, kind),
        languages,
        is_word=lambda form: zipf_frequency(form, "en") >= COMMON_ZIPF,
        english_words=top_n_list("en", ENGLISH_TAIL_WORDS),
    )
    return render(sections, f"openvenues/libpostal resources/dictionaries at {commit} (MIT)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    parser.add_argument(
        "--libpostal",
        default=os.environ.get("LIBPOSTAL_REPO", DEFAULT_REPO),
        help="a git clone (bare or not) of openvenues/libpostal",
    )
    args = parser.parse_args()
    text = generate(args.libpostal)
    return write_or_check(OUTPUT, text, "genaddresswords.py", check=args.check)


if __name__ == "__main__":
    sys.exit(main())
