"""A pattern tried only before its tails finds what it finds over the whole text (#13 speed)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.trust.corpus import messages
from modelgw.trust.recognizers import address_world
from modelgw.trust.tail_scan import TailAnchored

ANCHORED = [address_world._SIX_DIGIT_LINES, address_world._JP_LINES]
PIECES = [
    "Bengaluru",
    "Kita-ku",
    "Osaka",
    "O'Neil",
    "Jingūmae",
    "St.",
    "Karnataka",
    "x1",
    "_",
    "560001",
    "5600012",
    "530-0001",
    "530-00012",
    "12",
    "-",
    ",",
    ".",
    ";",
    ":",
    "(",
    "+",
    "@",
    " ",
    "  ",
    "\t",
    "\n",
    "\u00a0",
]


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16))
def test_the_tail_anchored_scan_finds_what_the_whole_scan_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    for anchored in ANCHORED:
        assert _spans(anchored.finditer(text)) == _spans(anchored.pattern.finditer(text)), text


def test_on_prose_with_postcodes() -> None:
    texts = [
        *messages(9, 4096, 4),
        "Ship to 12 MG Road, Bengaluru, Karnataka 560001 or Kita-ku, Osaka 530-0001 today.",
        "Codes 560001 560002, Pune 411001\nKita-ku, Osaka 530-0001, Kobe 650-0001",
    ]
    found = 0
    for text in texts:
        for anchored in ANCHORED:
            expected = _spans(anchored.pattern.finditer(text))
            assert _spans(anchored.finditer(text)) == expected
            found += len(expected)
    assert found >= 4


def test_a_match_runs_back_over_its_lead_only() -> None:
    anchored = TailAnchored(re.compile(r"[a-z]+ \d{3}"), re.compile(r" \d{3}"), "[a-z ]")
    assert _spans(anchored.finditer("xy, abc 123 de 456")) == [(4, 11), (12, 18)]
