# ruff: noqa: RUF001, RUF003  (look-alike characters are the point of these tests)
"""Identifiers whose disguise the earlier rules missed: a card read out in breaths, a
defanged or look-alike IP address, a hyphen at a line's end, a slash between IBAN groups,
an area code in brackets with look-alikes, a worded e-mail after `me at`.

Each case reads back as the value written plainly; each `stays` case is prose that must not.
"""

from __future__ import annotations

import pytest

from modelgw.trust.normalise import normalise
from modelgw.trust.recognizers.iban import CheckedIbanRecognizer
from modelgw.trust.recognizers.phone_number import PhoneNumberRecognizer


@pytest.mark.parametrize(
    ("original", "reads"),
    [
        # a Visa number (4539 1488 0343 6467) read out with pauses where no group ends
        (
            "card: four five three nine one four eight eight oh three, "
            "four three six four six seven",
            "4539148803436467",
        ),
        ("host 2001[:]db8[:]85a3[:][:]8a2e[:]370[:]7334 again", "2001:db8:85a3::8a2e:370:7334"),
        ("from l.l92.68.25 at noon", "1.192.68.25"),
        ("from 10.2l4.ІΟ.7 at noon", "10.214.10.7"),  # Cyrillic І, Greek Ο, Latin l
        ("blocked 2a0O:1450:40l3::2O0e today", "2a00:1450:4013::200e"),
        ("blocked 2a0З:1450:40б3::2e today", "2a03:1450:4063::2e"),  # Cyrillic З and б
        ("host 172.16.4.\n19. then", "172.16.4.19"),  # the line ends inside the address
        ("host fe80::1ff:fe23:4567:89-\nab then", "fe80::1ff:fe23:4567:89ab"),
        ("card 4929-1234-\n5678-9106 ok", "4929-1234-5678-9106"),  # the dash groups the card
        ("card 492912345-\n6789106 ok", "4929123456789106"),  # the dash only broke the line
        ("card 3714 496353\r\n98431 ok", "3714 496353 98431"),  # Amex 4-6-5 over CRLF
        ("Tel: (2O2) 555-Ο1З4 ok", "(202) 555-0134"),
        ("Tel: +l 202 555 0134 ok", "+1 202 555 0134"),
        ("use 5Ο55 5555 5555 4444 now", "5055 5555 5555 4444"),  # Greek and Latin O together
        ("mail me at j DOT berg AT example DOT com please", "j.berg@example.com"),
        ("card 2379 2640\n 6304 2015. Please", "2379 2640 6304 2015"),  # a full stop after it
        ("Phone: 046-71 20\n 38\nE-mail: x", "046-71 20 38"),  # two digits left for the next line
        ("SSN on file 12345\n6789.", "123456789"),
        (
            "TO: MARTA.\nOLSEN@EXAMPLE.COM\nSUBJECT",
            "MARTA.OLSEN@EXAMPLE.COM",
        ),  # capitals throughout
        ("FROM З7.7О.44.1L8; LAST", "37.70.44.118"),  # an `l` for 1, put in capitals
        ("CARD 4О57 7135 56Б9 5924 WAS", "4057 7135 5669 5924"),  # a capital Cyrillic Б for 6
        ("call +1-7l0-786-2898x2290 now", "+1-710-786-2898x2290"),  # an extension's x
        # an IBAN typed apart keeps its own letters where it is valid as typed
        (
            "IBAN I T 6 0 X 0 5 4 2 8 1 1 1 0 1 0 0 0 0 0 0 1 2 3 4 5 6.",
            "IT60X0542811101000000123456",
        ),
    ],
)
def test_the_disguise_reads_as_the_value(original: str, reads: str) -> None:
    assert reads in normalise(original).text


@pytest.mark.parametrize(
    "text",
    [
        "We met at 10.30 and left at 11.",  # times
        "see section l.2 of the I-95 notes",
        "a well-\nknown 2024-\n25 plan",  # hyphenated words and years
        "ratio 1.5:2.5:3 in the mix",
        "counting one, two, three, four, five, six",
    ],
)
def test_prose_stays_prose(text: str) -> None:
    assert normalise(text).text == text


def test_a_slash_between_iban_groups() -> None:
    text = "IBAN DE89/3704 0044 - 0532/0130 00 please"
    found = [text[a:b] for a, b in CheckedIbanRecognizer().find(text)]
    assert found == ["DE89/3704 0044 - 0532/0130 00"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Pode me ligar no (11) 98765-4321.", "(11) 98765-4321"),  # `no`: Portuguese, not No.
        ("Phone: 07700.900461", "07700.900461"),  # a trunk 0, dotted, after a phone word
        ("my number is 612 345 789.", "612 345 789"),
    ],
)
def test_phone_numbers_people_write(text: str, number: str) -> None:
    found = [text[a:b] for a, b in PhoneNumberRecognizer().find(text)]
    assert found == [number]


@pytest.mark.parametrize(
    "text", ["Invoice no. 2024 5566 7788 is due", "The index rose 07441.448261 points"]
)
def test_references_and_decimals_are_no_phone_numbers(text: str) -> None:
    assert PhoneNumberRecognizer().find(text) == []
