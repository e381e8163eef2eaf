"""What the NER model reads of ALL CAPS and lower-case text: mixed case (`ner_input`)."""

from __future__ import annotations

import pytest

from modelgw.common.config.trust import NerScope
from modelgw.trust.ner import ner_pieces
from modelgw.trust.ner_input import model_input, unlikely_in_lower_case


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (
            "PER MANTHAN KHALSA'S REQUEST, THE CONTRACT IS ON HOLD.",
            "per Manthan Khalsa's request, the contract is on hold.",
        ),
        (
            "ON 3 MAY MÜBETCEL ERASLAN WROTE: THE INVOICE IS WRONG.",
            "on 3 may Mübetcel Eraslan wrote: the invoice is wrong.",
        ),
        ("CAN YOU ASK DAWN WHETHER IT ARRIVED? SSN", "can you ask Dawn whether it arrived? SSN"),
        ("Mixed text keeps Anna and NASA", "Mixed text keeps Anna and Nasa"),
        ("GÜLÇÖHRƏ UĞURLU", "Gülçöhrə Uğurlu"),
    ],
)
def test_all_caps_words_are_read_as_written_in_mixed_case(text: str, read: str) -> None:
    assert model_input(text) == read


def test_a_case_mapping_that_changes_the_length_is_not_made() -> None:
    text = "İSTANBUL OFFICE"  # `İ`.lower() is two characters: offsets would no longer hold
    read = model_input(text)
    assert len(read) == len(text)
    assert read.endswith("office")


def test_unusual_words_of_a_lower_case_line_are_capitalised_for_the_model() -> None:
    text = "Ticket 12\nthe ticket was opened by callan dean via ssn lookup.\nThanks"
    start = text.index("the ticket")
    end = text.index("\nThanks")
    assert model_input(text, start, end) == "the ticket was opened by Callan Dean via ssn lookup."
    assert model_input(text, 0, start) == "Ticket 12\n"  # a line with capitals stays as written


def test_lower_case_lines_give_the_model_windows_to_read() -> None:
    text = "Hello\nplease call kwamboka gitau today about the refund"
    pieces = [text[a:b] for a, b in ner_pieces(text, NerScope.WINDOWS)]
    assert any("kwamboka gitau" in p for p in pieces)


def test_a_unlikely_in_lower_case_is_left_to_the_name_lists() -> None:
    text = "we moved the data to northwind and kwamboka gitau signed"
    lone = text.index("northwind")
    pair = text.index("kwamboka")
    assert unlikely_in_lower_case("PERSON", text, lone, lone + len("northwind"))
    assert not unlikely_in_lower_case("PERSON", text, pair, pair + len("kwamboka gitau"))
    assert not unlikely_in_lower_case("LOCATION", text, lone, lone + len("northwind"))
    noise = "our nps went up from port 4193 today"
    for value in ("nps", "port 4193"):
        at = noise.index(value)
        assert unlikely_in_lower_case("LOCATION", noise, at, at + len(value))
    mixed = "We moved the data to Northwind"
    assert not unlikely_in_lower_case("PERSON", mixed, 21, 30)
