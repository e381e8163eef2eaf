"""The pattern recognizers cut into parts of about equal CPU, so that one text can be read by
several detector processes at once.

A lone prompt whose NER windows were read before (a template around new
details, see `window_memo`) leaves one big unit of work: the ~28 pattern
recognizers over the whole text. With two idle detector processes, one would
read it while the other waits. Cut in parts, each process runs its share of
the recognizers on the same text, and the findings are put together before
duplicates are removed (`detection_plan.remove_contained`), so the result is
the same as one process reading it all.

Every process must cut the same way: the recognizers are assigned by name,
costliest first, each to the part with the least cost so far, from the table
below. The table only balances the parts; a wrong or missing figure makes
them uneven, never wrong. Measured with `python -m bench.trust.recognizer_cost`
(CPU ms per 1 KB benchmark text; 2-core AMD EPYC VM, 2026-12-05).
"""

from __future__ import annotations

from collections.abc import Iterable

COST_MS: dict[str, float] = {
    "PlacesByCueRecognizer": 0.81,
    "GlobalAddressRecognizer": 0.68,
    "NamesInContextRecognizer": 0.55,
    "NamesByRoleRecognizer": 0.47,
    "NamesByCaseRecognizer": 0.42,
    "PhoneNumberRecognizer": 0.42,
    "CheckedIbanRecognizer": 0.31,
    "PlacesInContextRecognizer": 0.30,
    "PlacesByCaseRecognizer": 0.19,
    "PaymentCardRecognizer": 0.16,
    "CheckedUsLicenseRecognizer": 0.14,
    "IpAddressRecognizer": 0.08,
    "CheckedEmailRecognizer": 0.08,
    "CheckedUsPassportRecognizer": 0.07,
    "MacAddressFormatsRecognizer": 0.06,
    "UsSsnRecognizer": 0.06,
}
OTHER_MS = 0.03
"""A recognizer missing from the table (the cheap ones, a new one)."""


def assign(names: Iterable[str], parts: int) -> dict[str, int]:
    """Each recognizer name's part, 0 to `parts - 1`; the same for the same names anywhere."""
    loads = [0.0] * parts
    out: dict[str, int] = {}
    for name in sorted(set(names), key=lambda n: (-COST_MS.get(n, OTHER_MS), n)):
        part = min(range(parts), key=lambda p: (loads[p], p))
        out[name] = part
        loads[part] += COST_MS.get(name, OTHER_MS)
    return out
