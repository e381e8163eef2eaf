"""Names that stand alone, recognised by the layout around them."""

from __future__ import annotations

import pytest

from modelgw.trust.name_lists import NameLists
from modelgw.trust.recognizers.names_in_context import NamesInContextRecognizer


@pytest.fixture(scope="module")
def recognizer() -> NamesInContextRecognizer:
    return NamesInContextRecognizer(NameLists.load())


def found(recognizer: NamesInContextRecognizer, text: str) -> list[str]:
    """The names found, as the words they cover (one span may hold two: `MORITA, Haruki`)."""
    spans = recognizer.find(text)
    return sorted(
        {
            text[s:e]
            for s, e in spans
            if not any(a <= s and e <= b and (a, b) != (s, e) for a, b in spans)
        }
    )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # Lists of surnames in any case; two-word surnames are one item.
        (
            "ATTENDING: KOWALCZYK, OKONKWO, GONÇALVES AND MORITA.",
            ["GONÇALVES", "KOWALCZYK, OKONKWO", "MORITA"],
        ),
        (
            "invite nowak, garcía lópez, okonkwo and morita",
            ["garcía lópez", "morita", "nowak", "okonkwo"],
        ),
        # Directory order, surname first.
        ("1) MORITA, Haruki (lead)", ["MORITA, Haruki"]),
        ("team:\n- kowalczyk, ottilie (driver)\n- nowak", ["kowalczyk, ottilie"]),  # an item
        # The speaker of a transcript line.
        ("[10:02] Adaeze (agent): how can I help?", ["Adaeze"]),
        # A listed given name on its own, in Title Case.
        ("Notes: Thaddeus asked for a refund.", ["Thaddeus"]),
        # In any case after a greeting or a word that addresses a person.
        ("merhaba gülşen, quick update", ["gülşen"]),
        ("sshd: failed password for thaddeus from 10.0.0.7", ["thaddeus"]),
        ("Hi Leocadia,\n\nAs discussed, the refund is sent.", ["Leocadia"]),
        ("CALL NOTE (OTTILIE): CUSTOMER ASKED FOR A REFUND", ["OTTILIE"]),
        # A display name its own mailbox spells, even where a word of it is an English word.
        ("from: leocadia wrona <wronal@example.com>", ["leocadia wrona"]),
        ("user hope kaminski (hope.kaminski@example.org) reports", ["hope kaminski"]),
        # A name broken over two lines.
        ("signed, Ottilie\r\nKowalczyk\nthanks", ["Ottilie\r\nKowalczyk"]),
    ],
)
def test_names_found_by_their_layout(
    recognizer: NamesInContextRecognizer, text: str, names: list[str]
) -> None:
    assert found(recognizer, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "We run Ruby and Julia services behind Redis.",
        "Offices in Paris, London and Berlin.",
        "apples, oranges and pears",
        "IBAN: DE89 3704 0044 0532 0130 00",
        "Subject: Re: invoice\nDate: today",
        "Analysts at Louis Vuitton and Marks & Spencer agree.",
        "It concerns the Jira Service Management rollout.",
        "Analysts at Procter & Gamble expect growth.",
        "contact the support team <support@example.com>",
        "we sent it to kowalczyk, ottilie said later",  # lower case inside a sentence
    ],
)
def test_no_names_here(recognizer: NamesInContextRecognizer, text: str) -> None:
    assert found(recognizer, text) == []
