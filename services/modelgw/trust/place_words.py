# ruff: noqa: SIM905  (word lists read best as words)
"""Place names that need care: words more often than places, names that need a cue, aliases.

Read by `place_names` when the gazetteer is built (`scripts/genplaces.py`): the running
gateway reads only the generated file, where these choices are already applied.
"""

from __future__ import annotations

# Single-word places that are far more often ordinary words (or products) in business text.
COMMON_WORDS = frozenset(
    [
        "ajax",
        "archway",
        "aurora",
        "barking",
        "bath",
        "batman",
        "bend",
        "billings",
        "boulder",
        "brent",
        "brits",
        "centennial",
        "centurion",
        "commonwealth",
        "corona",
        "cypress",
        "delta",
        "enterprise",
        "gent",
        "independence",
        "lira",
        "male",
        "mango",
        "meridian",
        "mesa",
        "metro",
        "mobile",
        "nada",
        "natal",
        "nice",
        "oceanside",
        "oral",
        "orange",
        "paradise",
        "pare",
        "pest",
        "poblacion",
        "puri",
        "reading",
        "reunion",
        "riverside",
        "ruse",
        "saga",
        "sari",
        "shaping",
        "slough",
        "sparks",
        "split",
        "springs",
        "surprise",
        "tamale",
        "tours",
        "tyre",
        "vista",
    ]
) | frozenset(
    # Languages and nationalities: a dictionary writes them capitalised, so no word list
    # marks them as ordinary words, and villages bear some (`English`, Indiana).
    """
    english french german spanish italian dutch portuguese polish swedish danish norwegian
    finnish greek turkish russian chinese japanese korean arabic hindi irish scottish welsh
    british american canadian mexican brazilian indian african european asian latin
    """.split()
)

# Places that are also words, first names or phrases: found only after a locative cue
# (`sent to jordan`, `office in turkey`), never on their own. Single-word cities always
# need one; these are the countries, states and multi-word names that do too.
NEEDS_CUE = frozenset(
    [
        "bermuda",
        "chad",
        "chile",
        "china",
        "cuba",
        "curacao",
        "dominica",
        "georgia",
        "guernsey",
        "guinea",
        "india",
        "indiana",
        "israel",
        "jamaica",
        "jersey",
        "jordan",
        "kenya",
        "montana",
        "niger",
        "panama",
        "togo",
        "turkey",
        "virginia",
        "washington",
        "borough park",
        "broken arrow",
        "business bay",
        "cape coral",
        "central coast",
        "college station",
        "coral springs",
        "deer valley",
        "east independence",
        "elk grove",
        "garden grove",
        "gold coast",
        "grand prairie",
        "grand rapids",
        "green bay",
        "high point",
        "international city",
        "ivory park",
        "little rock",
        "long beach",
        "model town",
        "moreno valley",
        "north shore",
        "overland park",
        "palm bay",
        "red deer",
        "round rock",
        "sandy springs",
        "simi valley",
        "spanish town",
        "spring valley",
        "sterling heights",
        "sunrise manor",
        "sunset park",
        "sunshine coast",
        "thousand oaks",
        "thunder bay",
        "universal city",
        "upper west side",
        "west valley city",
    ]
)

# Everyday names of countries that the GeoNames tables spell another way.
ALIASES = (
    "america",
    "britain",
    "congo",
    "czech republic",
    "england",
    "great britain",
    "holland",
    "korea",
    "netherlands",
    "northern ireland",
    "scotland",
    "uae",
    "uk",
    "usa",
    "wales",
)
