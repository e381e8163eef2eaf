"""Disguised identifiers, built and disguised systematically, are masked whole.

A seeded sample of the sweep (`bench.trust.identifier_sweep` runs all of it): for
each identifier kind, the disguises the sweep finds no leak in (every Unicode
digit script, format and ignorable characters, every dash and space separator,
regrouping, dots or spaces between characters, line breaks where the value holds
across them) must stay at zero.
"""

from __future__ import annotations

import pytest

from modelgw.common.config.trust import TrustConfig
from modelgw.trust.detector import Detector
from tests.unit.trust.identifier_variants import Variant, leaked, variants

_EVERYWHERE = ("plain", "fullwidth", "unicode digits", "mixed-script digits", "zero-width",
               "unicode spaces", "dashes", "bracketed")  # fmt: skip
FIXED: dict[str, tuple[str, ...]] = {
    "card": (*_EVERYWHERE, "spaced", "dotted", "regrouped"),
    "iban": (*_EVERYWHERE, "spaced", "dotted", "regrouped"),
    "ipv4": (*_EVERYWHERE, "spaced", "line break", "line break CRLF"),
    "ipv6": _EVERYWHERE,
    "ssn": (*_EVERYWHERE, "spaced", "dotted", "regrouped", "line break", "line break CRLF"),
    "email": (*_EVERYWHERE, "spaced", "e-mail [at]", "e-mail [at] [dot]"),
}  # fmt: skip
"""Per kind, the disguises with no leak in the full sweep."""


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(TrustConfig())


def _sample() -> list[Variant]:
    out: list[Variant] = []
    for kind, names in FIXED.items():
        out += variants(
            seed=7,
            singles_per_cell=5,
            pairs_per_cell=0,
            kinds=[kind],
            disguises=[(n,) for n in names],
            every_break=False,
        )
    return out


def test_disguised_identifiers_are_masked_whole(detector: Detector) -> None:
    sample = _sample()
    assert len(sample) > 250
    found = detector.analyze_many([v.text for v in sample])
    leaks = [
        f"{v.kind} | {v.disguise} | {v.text!r}"
        for v, spans in zip(sample, found, strict=True)
        if leaked(v, [(d.start, d.end) for d in spans])
    ]
    assert leaks == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Phone: +63232345678;ext=150", "+63232345678;ext=150"),
        ("Please call 02 201 2345;ext=346 to confirm.", "02 201 2345;ext=346"),
        ("You can reach me at 21 234 after 5 pm.", "21 234"),
        ("My new mobile is 3101 Ext. 3229, the old one is gone.", "3101 Ext. 3229"),
        ("Phone: 372 12 3456 x 82", "372 12 3456 x 82"),
    ],
)
def test_extensions_and_short_national_numbers(detector: Detector, text: str, value: str) -> None:
    start = text.index(value)
    spans = [(d.start, d.end) for d in detector.analyze_many([text])[0]]
    assert any(s <= start and e >= start + len(value) for s, e in spans), (text, spans)


@pytest.mark.parametrize(
    "text",
    [
        "The screen is 1920 x 1080 pixels.",
        "We plan to reach 25000 users this year.",
        "Look at example.com for the details.",
        "Call me on 0399 745014 extension 8008 if anything changes.",
    ],
)
def test_what_is_no_identifier_stays(detector: Detector, text: str) -> None:
    found = detector.analyze_many([text])[0]
    assert all(
        d.entity_type not in {"PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE"}
        or text[d.start : d.end].startswith("0399")
        for d in found
    )
