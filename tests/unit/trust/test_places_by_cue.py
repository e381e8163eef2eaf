"""Places no gazetteer lists, found after words that can only lead to a place."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modelgw.trust.name_lists import NameLists
from modelgw.trust.place_names import key_of, load_place_names
from modelgw.trust.recognizers.places_by_cue import PlacesByCueRecognizer


@pytest.fixture(scope="module")
def recognizer() -> PlacesByCueRecognizer:
    return PlacesByCueRecognizer(load_place_names(), NameLists.load())


def found(recognizer: PlacesByCueRecognizer, text: str) -> list[str]:
    return sorted({text[s:e] for s, e in recognizer.find(text)})


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("We are moving from Wolsztyn to Kórnik next month.", ["Kórnik", "Wolsztyn"]),
        ("RELOCATED TO SZKLARSKA POREBA LAST YEAR", ["SZKLARSKA POREBA"]),
        ("subject: delivery to ballinamore\n", ["ballinamore"]),
        ("login from 198.51.100.7 (Tlalnepantla) at 09:12", ["Tlalnepantla"]),
        ("she said they were in oberstdorf at the time", ["oberstdorf"]),
        ("Yuki asked to move to the Kumamoto office in May", ["Kumamoto"]),
        ("On-site team for Kórnik:\n- A. Nowak", ["Kórnik"]),
        # the small words inside a name (Czech `nad`, `na`), a Dutch `'s-`, four words
        (
            "moving from Ústí nad Labem to Nové Město na Moravě",
            ["Nové Město na Moravě", "Ústí nad Labem"],
        ),
        ("Our team is based in 's-Hertogenbosch now.", ["'s-Hertogenbosch"]),
        ("they were in Thị Trấn Phước Bửu at the time", ["Thị Trấn Phước Bửu"]),
        # `near`, and a street's number then `in`
        ("the meeting is moved to our office near Ejstrupholm.", ["Ejstrupholm"]),
        ("OUR TECHNICIAN WILL VISIT NA BUDECH 936 IN ČERNOVICE AT 9.", ["ČERNOVICE"]),
        ("we visit lindehøj 1202 in henne tomorrow", ["henne"]),
        # the word for a site after `the`, a trip, a dateline (at the text's very start too)
        ("Can you confirm the Doksy depot has the pallet?", ["Doksy"]),
        ("TRAVEL: SHE FLIES TO SKANDERBORG ON THURSDAY", ["SKANDERBORG"]),
        ("Sydals, 12 March - the agreement was signed.", ["Sydals"]),
        ("Minutes\nHluk, March 3: present were the board.", ["Hluk"]),
        ("Can someone from the Kolind team call?", ["Kolind"]),
        # the town an address is not in
        (
            "the address on file is via roma 365, 32281 lequio, not zoccorino-vergo. ok",
            ["zoccorino-vergo"],
        ),
    ],
)
def test_places_after_a_cue(
    recognizer: PlacesByCueRecognizer, text: str, places: list[str]
) -> None:
    assert found(recognizer, text) == places


@pytest.mark.parametrize(
    "text",
    [
        "we moved to Sarah's desk",
        "moved to the next step",
        "relocated to a new server",
        "send it to the finance team",
        "the team in charge agreed",
        "they were in agreement",
        "delivery to customers is late",
        "we are near completion, close to done",
        "I raised 3 tickets and 2 in Zendesk",  # `and` ends no street
        "Room 12 in Building C",
        "Ask the Jira team. Send it to the finance team.",  # a team: a place's after a preposition
        "Note, 12 March: we agreed.",
        "Please update the address, not the phone number.",
        "The address is fine, not really.",
    ],
)
def test_ordinary_words_after_a_cue_are_no_place(
    recognizer: PlacesByCueRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_title_case_keeps_an_ascii_names_gazetteer_key(name: str) -> None:
    """Why `_known` looks an ASCII name up once: its Title Case has the same key (#13 speed)."""
    assert key_of(name.title()) == key_of(name)


def test_a_place_before_a_branch_or_region_word_after_our(
    recognizer: PlacesByCueRecognizer,
) -> None:
    text = "Escalated: Laurens from our Hohenems location says the refund is missing."
    assert found(recognizer, text) == ["Hohenems"]
    assert found(recognizer, "Anna will cover the Vogtsburg region.") == ["Vogtsburg"]
    assert found(recognizer, "our sales location is closed") == []


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Jana Dvořák (support, Tišnov) joins the call.", ["Tišnov"]),
        ("ola berg (logistics, skagen) will call back", ["skagen"]),
        ("Best regards,\nPetr Novák\nSales Director, Otrokovice\n", ["Otrokovice"]),
        ("Kind regards,\nAnna Berg\nAccount manager, Zell am See", ["Zell am See"]),
    ],
)
def test_a_town_beside_a_team_or_a_job_title(
    recognizer: PlacesByCueRecognizer, text: str, places: list[str]
) -> None:
    assert found(recognizer, text) == places


@pytest.mark.parametrize(
    "text",
    [
        "call with dorit (davis, washington and smith) on friday",  # a firm's name
        "Jana (support, billing) joins the call.",  # teams, no town
        "Senior manager, operations\n",  # a department after the title
    ],
)
def test_a_team_or_a_title_beside_other_words_is_no_town(
    recognizer: PlacesByCueRecognizer, text: str
) -> None:
    assert found(recognizer, text) == []
