# ruff: noqa: RUF001  (look-alike characters are the point of these tests)
"""Structured identifiers in disguises the rules name, not the shapes of any one data set.

Look-alike letters throughout a written number, an IBAN typed with O and l for 0 and 1,
a value cut by a line break after a phone word or inside an IBAN, a card printed with
mixed separators, two phone numbers listed with a slash, a spaced e-mail under a
country's second-level domain.
"""

from __future__ import annotations

import pytest

from modelgw.trust.normalise import normalise
from modelgw.trust.recognizers.credit_card import PaymentCardRecognizer
from modelgw.trust.recognizers.iban import CheckedIbanRecognizer, read_with_look_alikes
from modelgw.trust.recognizers.phone_number import PhoneNumberRecognizer


def _found(
    recognizer: PaymentCardRecognizer | CheckedIbanRecognizer | PhoneNumberRecognizer, text: str
) -> list[str]:
    return [text[a:b] for a, b in recognizer.find(text)]


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        ("ring +зз (о)1 42 68 53 00 now", "+33 (0)1 42 68 53 00"),  # no Latin digit beside з
        ("call О6 12 З4 56 78 today", "06 12 34 56 78"),  # prose right before the number
        ("fax (Ο2О) 7946 Ο958 ok", "(020) 7946 0958"),  # Greek and Cyrillic mixed
    ],
)
def test_look_alikes_in_a_written_number_are_digits(original: str, reads: str) -> None:
    assert reads in normalise(original).text


@pytest.mark.parametrize("text", ["у нас 2023 году о нём", "з 12 і 13 травня"])
def test_a_lone_slavic_word_between_numbers_stays_a_word(text: str) -> None:
    folded = normalise(text).text
    assert " 0 " not in folded and " 3 " not in folded and " 1 " not in folded


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        ("Call me on 612\n 345 789 if needed", "612 345 789"),
        ("mobile (04521)\n 318822 please", "(04521) 318822"),
        ("pay GB29 NWBK 60\n16 1331 9268 19 today", "GB29 NWBK 6016 1331 9268 19"),
        ("write to anna\n.kowalska@example.org soon", "anna.kowalska@example.org"),
    ],
)
def test_a_line_break_inside_a_value_is_undone(original: str, reads: str) -> None:
    assert reads in normalise(original).text


@pytest.mark.parametrize(
    "text",
    [
        "Call me on 612\n2024 was fine",  # seven digits in all: a number and a year
        "IBAN DE89 3704 0044 0532 0130 00\n12 items shipped",  # the IBAN ends at the break
    ],
)
def test_whole_values_on_each_line_stay_apart(text: str) -> None:
    assert normalise(text).text == text


@pytest.mark.parametrize(
    ("text", "iban"),
    [
        ("IBAN IT60 XO54 28ll lOlO OOOO Ol23 456.", "IT60 XO54 28ll lOlO OOOO Ol23 456"),
        ("iban de89 37o4 oo44 o532 ol3o oo ok", "de89 37o4 oo44 o532 ol3o oo"),
        ("to GB29 NWBK 6O16 l33l 9268 l9 now", "GB29 NWBK 6O16 l33l 9268 l9"),
    ],
)
def test_an_iban_typed_with_letters_for_digits_is_found(text: str, iban: str) -> None:
    assert _found(CheckedIbanRecognizer(), text) == [iban]


def test_look_alike_readings_need_the_country_length_and_the_checksum() -> None:
    assert read_with_look_alikes("GB29NWBK6O16l33l9268l9")
    assert not read_with_look_alikes("GB29NWBK6O16l33l9268l99")  # one character too many
    assert not read_with_look_alikes("GB29NWBK6O16l33l9268l8")  # checksum fails every reading
    assert not read_with_look_alikes("GB29NWBK60161331926819")  # nothing to read: strict path


@pytest.mark.parametrize("text", ["card 4111-1111.1111 1111 ok", "card 5555 5555-5555.4444 ok"])
def test_a_card_with_mixed_separators_between_fours_is_found(text: str) -> None:
    assert len(_found(PaymentCardRecognizer(), text)) == 1


def test_mixed_separators_in_other_groupings_are_not_a_card() -> None:
    assert _found(PaymentCardRecognizer(), "ref 4111.1111-1111 ok") == []


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Tel. 0048 601 234 567 / 601 765 432", ["0048 601 234 567", "601 765 432"]),
        ("TEL. +442079460958 / 020 7946 0321", ["+442079460958", "020 7946 0321"]),
        ("Tel 030/901820", ["030/901820"]),
    ],
)
def test_numbers_listed_with_a_slash_are_each_found(text: str, numbers: list[str]) -> None:
    assert _found(PhoneNumberRecognizer(), text) == numbers


def test_a_number_after_called_from_is_a_phone() -> None:
    assert _found(PhoneNumberRecognizer(), "she called from 4915123456789 today") == [
        "4915123456789"
    ]


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        ("mail ada . obi @ lagosmail . com . ng; ok", "ada.obi@lagosmail.com.ng"),
        ("mail tom dot hart at example dot co dot uk now", "tom.hart@example.co.uk"),
    ],
)
def test_a_spaced_email_keeps_its_country_domain(original: str, reads: str) -> None:
    assert reads in normalise(original).text


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        ("from 172 . 16 . 4 . 20 today", "172.16.4.20"),
        ("from 172 dot 16 dot 4 dot 20 today", "172.16.4.20"),
    ],
)
def test_an_ipv4_with_spaced_or_worded_dots_is_read_whole(original: str, reads: str) -> None:
    assert reads in normalise(original).text


@pytest.mark.parametrize("text", ["scores 300 . 1 . 1 . 1 ok", "In 2020. 5 people came"])
def test_numbers_that_cannot_be_an_address_keep_their_spaces(text: str) -> None:
    assert normalise(text).text == text


def test_ibans_one_after_another_are_each_found() -> None:
    text = "iban DE89-3704-0044-0532-0130-00 or DE89.3704.0044.0532.0130.00 ok"
    assert _found(CheckedIbanRecognizer(), text) == [
        "DE89-3704-0044-0532-0130-00",
        "DE89.3704.0044.0532.0130.00",
    ]


def test_cards_side_by_side_in_one_run_are_each_found() -> None:
    text = "cards 4111 1111 1111 1111 5555 5555 5555 4444 3782 822463 10005 ok"
    assert _found(PaymentCardRecognizer(), text) == [
        "4111 1111 1111 1111",
        "5555 5555 5555 4444",
        "3782 822463 10005",
    ]
