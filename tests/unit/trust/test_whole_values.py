"""Shape-only identifiers (DEA, NHS, bank, passport, licence) are whole tokens, not references."""

from __future__ import annotations

import pytest

from modelgw.trust.recognizers.phone_number import PhoneNumberRecognizer
from modelgw.trust.whole_values import after_reference_word, plausible, whole_token


def _span(text: str, value: str) -> tuple[int, int]:
    start = text.index(value)
    return start, start + len(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("parcel CX4821937105DE arrived", "CX4821937"),  # the start of a longer token
        ("order 612-3304512-7719043 shipped", "612-3304512"),  # a piece of a dashed run
        ("batch ab1234567z", "b1234567"),
    ],
)
def test_a_piece_of_a_longer_token_is_not_whole(text: str, value: str) -> None:
    assert not whole_token(text, *_span(text, value))
    assert not plausible("MEDICAL_LICENSE", text, *_span(text, value))


@pytest.mark.parametrize(
    ("text", "value"),
    [("DEA number AB1234563, thanks", "AB1234563"), ("NHS 943 476 5919.", "943 476 5919")],
)
def test_a_whole_token_stands(text: str, value: str) -> None:
    assert whole_token(text, *_span(text, value))
    assert plausible("UK_NHS", text, *_span(text, value))


@pytest.mark.parametrize(
    "text", ["Order 9434765919 shipped", "Ref: 9434765919", "invoice no. 9434765919"]
)
def test_a_number_named_a_reference_is_that_reference(text: str) -> None:
    start, end = _span(text, "9434765919")
    assert after_reference_word(text, start)
    assert not plausible("UK_NHS", text, start, end)


def test_types_that_check_themselves_are_not_judged_here() -> None:
    text = "order 4111111111111111"
    assert plausible("CREDIT_CARD", text, *_span(text, "4111111111111111"))


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("Order 0387712406 shipped, tracking 0640 1170 5549 12", []),
        ("Order questions: call 0387712406", ["0387712406"]),
        ("Tel no. 020 7946 0958", ["020 7946 0958"]),
    ],
)
def test_a_trunk_number_after_a_reference_word_is_no_phone(text: str, phones: list[str]) -> None:
    assert [text[a:b] for a, b in PhoneNumberRecognizer().find(text)] == phones
