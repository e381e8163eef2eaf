"""Payment cards of every scheme (IIN range, length, Luhn) and phone numbers by their shape."""

from __future__ import annotations

import pytest

from modelgw.trust.issuers import issued
from modelgw.trust.recognizers.credit_card import PaymentCardRecognizer
from modelgw.trust.recognizers.phone_number import PhoneNumberRecognizer


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111111",  # Visa 16
        "4222222222222",  # Visa 13
        "4958969350492589919",  # Visa 19
        "5174833788762329",  # Mastercard 51-55
        "2221000000000009",  # Mastercard 2-series
        "349441177151624",  # Amex
        "6011466109906955",  # Discover
        "30483040119804",  # Diners 14
        "3567869819846343",  # JCB 16
        "213164942055523",  # JCB 15
        "569825979192",  # Maestro 12
        "6212345678901232",  # UnionPay
    ],
)
def test_every_scheme_is_issued(number: str) -> None:
    assert issued(number)


def test_wrong_check_digit_or_range_is_not_a_card() -> None:
    assert not issued("4111111111111112")
    assert not issued("1234567890123452")  # Luhn holds, no scheme issues 1...
    assert not issued("411111111111111")  # Visa has no 15-digit cards


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("card 4204 1644 8457 4194 793 ok", "4204 1644 8457 4194 793"),
        ("amex 3494-411771-51624 ok", "3494-411771-51624"),
        ("paid 120.00 with 4111-1111-1111-1111 12/26", "4111-1111-1111-1111"),
        ("dotted 6011.7091.9308.1585 ok", None),
    ],
)
def test_cards_as_printed(text: str, card: str | None) -> None:
    spans = PaymentCardRecognizer().find(text)
    if card is None:
        assert len(spans) == 1
    else:
        assert [text[a:b] for a, b in spans] == [card]


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("Voucher code 4908 6682 2950 2173 678 expires soon", "4908668229502173"),
        ("customer ref: 6110 1080 0435 3204 please quote it", "611010800435"),
    ],
)
def test_the_head_of_a_longer_number_is_no_card(text: str, head: str) -> None:
    assert issued(head)  # the trap: the head alone passes a scheme's check
    assert PaymentCardRecognizer().find(text) == []


def test_two_cards_side_by_side_are_each_found() -> None:
    text = "cards 4111 1111 1111 1111 5555 5555 5555 4444 ok"
    found = [text[a:b] for a, b in PaymentCardRecognizer().find(text)]
    assert found == ["4111 1111 1111 1111", "5555 5555 5555 4444"]


def test_an_ip_address_is_not_a_card() -> None:
    assert PaymentCardRecognizer().find("server 56.123.123.123 is down") == []


def phones(text: str) -> list[str]:
    return [text[a:b] for a, b in PhoneNumberRecognizer().find(text)]


@pytest.mark.parametrize(
    "number",
    [
        "001-507-843-9150x00806",
        "(694)546-1092x483",
        "366.425.8517",
        "+1-202-555-0143 ext. 123",
        "+44(0)808 1570812",
        "+49(0) 915000806",
        "01 55 66 90 74",
        "+33 (0)3 67 77 83 53",
        "(0439)-150008",
        "+31(0)86 5707049",
        "+48 32 317 06 69",
        "(+358) 070499962",
        "00420 602 669 074",
        "0141 496 0802 extension 2953",
    ],
)
def test_phone_numbers_by_shape(number: str) -> None:
    assert phones(f"Please call {number} (mobile) today.") == [number]


def test_short_national_numbers_need_a_cue() -> None:
    assert phones("Tel: 5178 1286") == ["5178 1286"]
    assert phones("we sold 5178 1286 units") == []


def test_a_grouped_number_on_its_own_line_in_a_block_is_a_phone() -> None:
    """A signature's or an address block's line needs no phone word."""
    assert phones("Flat 2, 5 High Street, Leeds\n2123 4567\nThanks") == ["2123 4567"]
    assert phones("Anna Berg\nSales\n040 12 34 56") == ["040 12 34 56"]
    assert phones("2123 4567\nis the batch") == []  # the text's first line: no block above it
    assert phones("Totals:\n\n2024 12 06") == []  # after an empty line, and a date's shape


@pytest.mark.parametrize(
    "text",
    [
        "SKU 952-5138-17 is back in stock.",
        "Invoice 2024-7238 is due.",
        "Meeting on 2024-03-15 at 10:30.",
        "SSN 123-45-6789 on file.",
        "Revenue was 1,234,567.89 this year.",
        "Case 9607630 was escalated.",
        "Server 192.168.10.20 restarted.",
    ],
)
def test_references_dates_and_amounts_are_not_phones(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("hotline +1 047-945-2811 today", []),  # no area code starts with 0
        ("hotline +1 (162) 143-8833 today", []),  # nor with 1
        ("hotline +1 201-597-7133 today", ["+1 201-597-7133"]),
        ("firmware build 2025.9.5555 shipped", []),
    ],
)
def test_numbers_no_phone_can_have(text: str, found: list[str]) -> None:
    assert phones(text) == found


def test_a_phone_in_a_csv_row_is_found_whole() -> None:
    """A comma before a number is a field's edge: the `+49` once leaked as its own field."""
    row = "C1,Jana Nováková,+420 602 669 074,Brno\nC2,Ola Nordmann,0047 912 34 567,Oslo"
    assert phones(row) == ["+420 602 669 074", "0047 912 34 567"]


def test_an_extension_after_a_comma_belongs_to_the_number() -> None:
    assert phones("Office +44 20 7946 0958, ext. 204 (reception)") == ["+44 20 7946 0958, ext. 204"]
    assert phones("Revenue was 1,234,567 this year, 2,000 more.") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("The office line is 712 3456 if I am away.", "712 3456"),
        ("You can reach me at 72001234 after 5 pm.", "72001234"),
        ("Please call 57123456 Ext. 8466 to confirm.", "57123456 Ext. 8466"),
    ],
)
def test_any_national_number_after_a_phone_word(text: str, number: str) -> None:
    """A strict phone word (`office line`, `reach me at`, `call`) says what the run is."""
    assert [text[a:b] for a, b in PhoneNumberRecognizer().find(text)] == [number]


def test_a_loose_cue_still_wants_a_phone_shape() -> None:
    text = "We reach 25000 users and contact 1234567 accounts."
    assert PhoneNumberRecognizer().find(text) == []
