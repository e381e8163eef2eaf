"""What the NER model reads of an ALL CAPS text: a sentence in mixed case (`ner.model_input`)."""

from __future__ import annotations

import pytest

from modelgw.trust.ner import model_input


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
