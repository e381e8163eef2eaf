"""A found name grows over the surname particles at its edges (`name_edges`)."""

from __future__ import annotations

import pytest

from modelgw.trust.name_edges import grown


def _grown(text: str, name: str) -> str:
    start = text.index(name)
    a, b = grown(text, start, start + len(name))
    return text[a:b]


@pytest.mark.parametrize(
    ("text", "found", "name"),
    [
        ("NOTE: Ó FLANNABHRA PREFERS E-MAIL", "FLANNABHRA", "Ó FLANNABHRA"),
        ("pass it on to mac connallta's manager", "connallta", "mac connallta"),
        ("Contact Kevin De Bruyne today", "Kevin", "Kevin De Bruyne"),
        ("Ask Pieter van den Brande about it", "Pieter", "Pieter van den Brande"),
        ("Ask Pieter van den Brande about it", "Brande", "van den Brande"),
        ("a letter from Ana de Souza", "Ana", "Ana de Souza"),
        # a name found up to its particle takes the word after it
        (
            "Return label for Siobhán Ní Dhomhnaill, 66 Main St",
            "Siobhán Ní",
            "Siobhán Ní Dhomhnaill",
        ),
    ],
)
def test_a_name_takes_the_particles_at_its_edges(text: str, found: str, name: str) -> None:
    assert _grown(text, found) == name


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The LA Smith office", "Smith"),  # a particle in capitals before a name that is not
        ("she met John at the la office", "John"),  # `la` then a word in another case
        ("Call Anna de 9 a 5", "Anna"),  # a particle before no word
        ("Kevin de", "Kevin"),
    ],
)
def test_words_that_only_look_like_particles_stay_out(text: str, found: str) -> None:
    assert _grown(text, found) == found
